import DroverEngine

/// Azure's rule for a Windows administrator password, checked before sending (azure-api.md §6.3): 12–123 characters
/// (the CLI's and portal's minimum, stricter than the API's 8), at least three of lower case, upper case, digit and
/// special character, and none of the passwords Azure refuses outright.
public enum WindowsPasswordRule {
    /// Passwords Azure refuses whatever their classes (`OSProfile.adminPassword` description).
    public static let refused: Set<String> = [
        "abc@123", "P@$$w0rd", "P@ssw0rd", "P@ssword123", "Pa$$word", "pass@word1", "Password!", "Password1", "Password22", "iloveyou!",
    ]

    /// Why `password` breaks the rule, or nil when it meets it. Never includes the password itself.
    public static func violation(_ password: String) -> String? {
        guard (12...123).contains(password.count) else { return "it has \(password.count) characters; Azure needs 12 to 123" }
        if refused.contains(password) { return "it is on Azure's list of refused passwords" }
        let classes = [
            password.contains { $0.isLowercase }, password.contains { $0.isUppercase }, password.contains { $0.isNumber },
            password.contains { !$0.isLetter && !$0.isNumber },
        ].filter { $0 }.count
        return classes >= 3 ? nil : "it mixes \(classes) of lower case, upper case, digits and symbols; Azure needs 3"
    }
}
