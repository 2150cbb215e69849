@testable import DroverPlacement
import Testing

/// Splitting a stream at its document markers keeps every byte and finds only column-0 `---` lines.
@Suite struct YAMLStreamTests {
    @Test(arguments: [
        ("", [""], [1]),
        ("a: 1\n", ["a: 1\n"], [1]),
        ("a: 1\n---\nb: 2\n", ["a: 1\n", "b: 2\n"], [1, 2]),
        ("---\r\na: 1\r\n--- # c\r\nb: 2", ["", "a: 1\r\n", "b: 2"], [1, 1, 3]),
        ("a: |\n  ---\n---x: 1\n---\t\n", ["a: |\n  ---\n---x: 1\n", ""], [1, 4]),
        ("a: 1\n---", ["a: 1\n", ""], [1, 2]),
    ])
    func splitsAtMarkersAndJoinsBack(_ text: String, _ texts: [String], _ lines: [Int]) {
        let stream = YAMLStream(text)
        #expect(stream.documents.map(\.text) == texts)
        #expect(stream.documents.map(\.firstLine) == lines)
        #expect(stream.documents.map { $0.separator + $0.text }.joined() == text)
    }

    @Test(arguments: [("# a\n\n  # b\nkind: Pod\n# c\n", "# a\n\n  # b\n"), ("kind: Pod\n", ""), ("# only", "# only\n")])
    func keepsOpeningComments(_ text: String, _ kept: String) {
        #expect(YAMLStream.leadingComments(text) == kept)
    }
}
