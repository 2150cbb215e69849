@testable import DroverSim
import Foundation
import Testing

/// The patch formats of kube-and-rancher-wire.md §A.6, case by case.
@Suite("Kubernetes simulator patch semantics")
struct KubernetesPatchTests {
    static func json(_ text: String) -> JSONValue { try! JSONValue.parse(Data(text.utf8)) }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let target: String
        let patch: String
        let expected: String
        var testDescription: String { name }
    }

    static let strategic: [Case] = [
        Case(name: "containers merge by name", target: #"{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y:1"}]}"#,
             patch: #"{"containers":[{"name":"b","image":"y:2"}]}"#,
             expected: #"{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y:2"}]}"#),
        Case(name: "new keyed element is appended", target: #"{"containers":[{"name":"a","image":"x:1"}]}"#,
             patch: #"{"containers":[{"name":"c","image":"z:1"}]}"#,
             expected: #"{"containers":[{"name":"a","image":"x:1"},{"name":"c","image":"z:1"}]}"#),
        Case(name: "$patch delete removes a keyed element", target: #"{"containers":[{"name":"a"},{"name":"b"}]}"#,
             patch: #"{"containers":[{"name":"a","$patch":"delete"}]}"#, expected: #"{"containers":[{"name":"b"}]}"#),
        Case(name: "node conditions merge by type", target: #"{"conditions":[{"type":"Ready","status":"False"},{"type":"DiskPressure","status":"False"}]}"#,
             patch: #"{"conditions":[{"type":"Ready","status":"True"}]}"#,
             expected: #"{"conditions":[{"type":"Ready","status":"True"},{"type":"DiskPressure","status":"False"}]}"#),
        Case(name: "taints are atomic", target: #"{"taints":[{"key":"a","effect":"NoSchedule"}]}"#,
             patch: #"{"taints":[{"key":"b","effect":"NoSchedule"}]}"#, expected: #"{"taints":[{"key":"b","effect":"NoSchedule"}]}"#),
        Case(name: "null deletes a member", target: #"{"labels":{"a":"1","b":"2"}}"#, patch: #"{"labels":{"a":null}}"#,
             expected: #"{"labels":{"b":"2"}}"#),
        Case(name: "$setElementOrder is dropped", target: #"{"env":[{"name":"A","value":"1"}]}"#,
             patch: #"{"$setElementOrder/env":[{"name":"A"}],"env":[{"name":"A","value":"2"}]}"#, expected: #"{"env":[{"name":"A","value":"2"}]}"#),
        Case(name: "$patch replace on a map", target: #"{"spec":{"a":1,"b":2}}"#, patch: #"{"spec":{"$patch":"replace","c":3}}"#,
             expected: #"{"spec":{"c":3}}"#),
        Case(name: "$retainKeys keeps only the listed keys", target: #"{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}"#,
             patch: #"{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}"#, expected: #"{"strategy":{"type":"Recreate"}}"#),
        Case(name: "$deleteFromPrimitiveList", target: #"{"finalizers":["a","b"]}"#, patch: #"{"$deleteFromPrimitiveList/finalizers":["a"]}"#,
             expected: #"{"finalizers":["b"]}"#),
    ]

    @Test(arguments: strategic)
    func strategicMergePatch(_ item: Case) throws {
        let result = try KubePatch.strategicMerge(Self.json(item.target), Self.json(item.patch))
        #expect(result == Self.json(item.expected))
    }

    @Test func strategicMergeRefusesAnElementWithoutItsMergeKey() {
        #expect(throws: KubeStatusError.self) {
            try KubePatch.strategicMerge(Self.json(#"{"containers":[{"name":"a"}]}"#), Self.json(#"{"containers":[{"image":"x"}]}"#))
        }
    }

    @Test func mergePatchReplacesListsAndDeletesNulls() {
        let result = KubePatch.merge(Self.json(#"{"a":{"b":1,"c":2},"list":[1,2]}"#), Self.json(#"{"a":{"b":null,"d":3},"list":[3]}"#))
        #expect(result == Self.json(#"{"a":{"c":2,"d":3},"list":[3]}"#))
    }

    static let jsonPatches: [Case] = [
        Case(name: "add to object", target: #"{"a":{}}"#, patch: #"[{"op":"add","path":"/a/b","value":1}]"#, expected: #"{"a":{"b":1}}"#),
        Case(name: "add appends with -", target: #"{"l":[1]}"#, patch: #"[{"op":"add","path":"/l/-","value":2}]"#, expected: #"{"l":[1,2]}"#),
        Case(name: "add inserts at index", target: #"{"l":[1,3]}"#, patch: #"[{"op":"add","path":"/l/1","value":2}]"#, expected: #"{"l":[1,2,3]}"#),
        Case(name: "replace", target: #"{"a":1}"#, patch: #"[{"op":"replace","path":"/a","value":2}]"#, expected: #"{"a":2}"#),
        Case(name: "remove with escaped key", target: #"{"labels":{"kubernetes.io/os":"linux","x":"y"}}"#,
             patch: #"[{"op":"remove","path":"/labels/kubernetes.io~1os"}]"#, expected: #"{"labels":{"x":"y"}}"#),
        Case(name: "move", target: #"{"a":1}"#, patch: #"[{"op":"move","from":"/a","path":"/b"}]"#, expected: #"{"b":1}"#),
        Case(name: "copy", target: #"{"a":1}"#, patch: #"[{"op":"copy","from":"/a","path":"/b"}]"#, expected: #"{"a":1,"b":1}"#),
        Case(name: "test passes", target: #"{"a":1}"#, patch: #"[{"op":"test","path":"/a","value":1},{"op":"remove","path":"/a"}]"#, expected: #"{}"#),
    ]

    @Test(arguments: jsonPatches)
    func jsonPatch(_ item: Case) throws {
        #expect(try KubePatch.json(Self.json(item.target), Self.json(item.patch)) == Self.json(item.expected))
    }

    @Test(arguments: [#"[{"op":"test","path":"/a","value":2}]"#, #"[{"op":"replace","path":"/missing","value":2}]"#,
                      #"[{"op":"remove","path":"/l/5"}]"#, #"[{"op":"jump","path":"/a"}]"#])
    func jsonPatchFailures(_ patch: String) {
        #expect(throws: KubeStatusError.self) { try KubePatch.json(Self.json(#"{"a":1,"l":[1]}"#), Self.json(patch)) }
    }
}
