import DroverNodes
import Foundation
import DroverTestSupport
import Testing

/// The hand-written splitters, case by case against the rules they implement, and round trips of their quoting.
@Suite struct ShellSyntaxTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var words: [String]
        var testDescription: String { input }
    }

    /// CommandLineToArgvW / C runtime rules.
    @Test(arguments: [
        Case(input: #"a b  c"#, words: ["a", "b", "c"]),
        Case(input: #""a b" c"#, words: ["a b", "c"]),
        Case(input: #"a\b c:\:c:\host"#, words: [#"a\b"#, #"c:\:c:\host"#]),
        Case(input: #"a\"b"#, words: [#"a"b"#]),
        Case(input: #"a\\"b c" d"#, words: [#"a\b c"#, "d"]),
        Case(input: #"a\\\"b"#, words: [#"a\"b"#]),
        Case(input: #""say ""hi""""#, words: [#"say "hi""#]),
        Case(input: #""""#, words: [""]),
    ])
    func windowsCommandLine(_ c: Case) throws {
        #expect(try WindowsCommandLine.split(c.input) == c.words)
    }

    /// POSIX sh quoting rules (Shell Command Language §2.2).
    @Test(arguments: [
        Case(input: #"a 'b c' "d e""#, words: ["a", "b c", "d e"]),
        Case(input: #"a\ b"#, words: ["a b"]),
        Case(input: #""a\"b\\c\$d\e""#, words: [#"a"b\c$d\e"#]),
        Case(input: #"'it'\''s'"#, words: ["it's"]),
        Case(input: "a\\\nb", words: ["ab"]),
        Case(input: #"x='cattle.io/os=linux'"#, words: ["x=cattle.io/os=linux"]),
    ])
    func posixWords(_ c: Case) throws {
        #expect(try POSIXShell.split(c.input).compactMap(\.value) == c.words)
    }

    @Test func posixOperatorsSplitWords() throws {
        #expect(try POSIXShell.split("curl -fL u|sudo sh -s - && echo;x") == [
            .word(value: "curl", raw: "curl"), .word(value: "-fL", raw: "-fL"), .word(value: "u", raw: "u"), .op("|"),
            .word(value: "sudo", raw: "sudo"), .word(value: "sh", raw: "sh"), .word(value: "-s", raw: "-s"), .word(value: "-", raw: "-"),
            .op("&&"), .word(value: "echo", raw: "echo"), .op(";"), .word(value: "x", raw: "x"),
        ])
    }

    /// PowerShell language specification §2.3.
    @Test(arguments: [
        Case(input: #"a 'b ''c''' "d ""e""""#, words: ["a", "b 'c'", #"d "e""#]),
        Case(input: "a `\"b `$c", words: [#"a"#, #""b"#, "$c"]),
        Case(input: #"c:\:c:\host"#, words: [#"c:\:c:\host"#]),
        Case(input: "’curly’’quote’", words: ["curly’quote"]),
    ])
    func powerShellWords(_ c: Case) throws {
        #expect(try PowerShellSyntax.split(c.input).compactMap(\.value) == c.words)
    }

    @Test(arguments: [#"a "b"#, "a 'b", "a \\"])
    func unclosedQuotesAreErrorsWithAColumn(_ input: String) {
        #expect(throws: ShellSyntaxError.self) { try POSIXShell.split(input) }
    }

    /// Our POSIX quoting, judged by the real `/bin/sh`: each word must reach a program as exactly one argument,
    /// byte for byte (`printf '%s\0' "$@"` prints each argument NUL-terminated).
    @Test func realShellReadsOurQuotingBackAsTheSameWords() async throws {
        let alphabet = Array("ab -_'\"`$\\|;&(){}<>*?~#!%=:,./\t\n’\u{00E9}0")
        var random = SplitMix64(state: 0x5E11)
        func next() -> Int { Int.random(in: 0..<1_000_000, using: &random) }
        let words = (0..<300).map { _ in String((0..<(1 + next() % 12)).map { _ in alphabet[next() % alphabet.count] }) }
        let script = "set -- " + words.map(POSIXShell.quote).joined(separator: " ") + "\nprintf '%s\\0' \"$@\""
        let out = try await ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init) == words)
    }

    /// Seeded random words of awkward characters come back unchanged through each quoting.
    @Test func quotingRoundTripsRandomWords() throws {
        let alphabet = Array("ab -_'\"`$\\|;&(){}<>*?~#!%=:,./\t’‘“”\u{00E9}\u{1F600}0")
        var random = SplitMix64(state: 0x5EED)
        func next() -> Int { Int.random(in: 0..<1_000_000, using: &random) }
        for _ in 0..<2_000 {
            let word = String((0..<(1 + next() % 12)).map { _ in alphabet[next() % alphabet.count] })
            #expect(try POSIXShell.split(POSIXShell.quote(word)).compactMap(\.value) == [word], "\(word)")
            #expect(try PowerShellSyntax.split(PowerShellSyntax.quote(word)).compactMap(\.value) == [word], "\(word)")
            #expect(try WindowsCommandLine.split(WindowsCommandLine.quote(word)) == [word], "\(word)")
        }
    }
}
