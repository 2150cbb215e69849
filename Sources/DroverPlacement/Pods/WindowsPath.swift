/// Recognises Windows file paths (`C:\data`, `c:/data`) and named pipes (`\\.\pipe\docker_engine`, `//./pipe/x`).
enum WindowsPath {
    /// True when `path` is a drive path or a named pipe.
    static func matches(_ path: String) -> Bool {
        let chars = Array(path)
        if chars.count >= 3, chars[0].isLetter, chars[1] == ":", chars[2] == "\\" || chars[2] == "/" { return true }
        let lower = path.lowercased()
        return lower.hasPrefix(#"\\.\pipe\"#) || lower.hasPrefix("//./pipe/")
    }
}
