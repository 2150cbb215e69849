import DroverBlueprint
import DroverTestSupport
import Testing

@Suite struct SpecFuzzTests {
    static let fragments = [
        "99999999999999999999999", "-1", "0x", "~", "null", "[]", "{}", "[[[", "}}}", ": :", "- - -", "\"", "'", "&a", "*a", "!!int",
        "é", "🦬", "\u{202E}", "\u{0}", "\t", "\r\n", "ｃｌｕｓｔｅｒ", "10.0.1.0/24", "2025", "windows", "Basic", "4096", "true",
        "%TAG", "---", "...", "? ", "|", ">", "#", String(repeating: "a", count: 300),
    ]

    static func mutate<R: RandomNumberGenerator>(_ text: String, using rng: inout R) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !scalars.isEmpty else { break }
            let at = Int.random(in: 0..<scalars.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: scalars = Array(scalars[..<at])  // truncation
            case 1: scalars.insert(contentsOf: fragments.randomElement(using: &rng)!.unicodeScalars, at: at)
            case 2: scalars.remove(at: at)
            case 3:  // replace a value after a colon with another type
                if let colon = scalars[at...].firstIndex(of: ":"), let end = scalars[colon...].firstIndex(of: "\n") {
                    scalars.replaceSubrange((colon + 1)..<end, with: (" " + fragments.randomElement(using: &rng)!).unicodeScalars)
                }
            default:  // duplicate a line elsewhere
                let lines = String(String.UnicodeScalarView(scalars)).split(separator: "\n", omittingEmptySubsequences: false)
                if let line = lines.randomElement(using: &rng) { scalars.insert(contentsOf: (String(line) + "\n").unicodeScalars, at: at) }
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Every mutated spec is either accepted or rejected with a position; none crashes.
    @Test func tenThousandMutatedSpecsNeverCrashAndAlwaysCarryAPosition() {
        var rng = SplitMix64(state: 0xD20E_2019)
        let seeds = Profile.allCases.map { StarterSpec.text(profile: $0) }
        var rejected = 0
        for iteration in 0..<10_000 {
            let text = Self.mutate(seeds[iteration % seeds.count], using: &rng)
            let loaded = SpecLoader().load(text: text, file: "fuzz.yaml")
            var diagnostics = loaded.diagnostics
            if let spec = loaded.spec, !diagnostics.hasErrors {
                diagnostics += SpecValidator().validate(spec, positions: loaded.positions, file: "fuzz.yaml")
            }
            let errors = diagnostics.filter { $0.severity == .error }
            if !errors.isEmpty { rejected += 1 }
            for error in errors where error.line == nil || error.column == nil {
                Issue.record("iteration \(iteration): rejection without a position: \(error)")
            }
        }
        #expect(rejected > 1_000, "the mutations should break many specs; only \(rejected) were rejected")
    }
}
