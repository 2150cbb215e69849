@testable import DroverPlacement
import Foundation
import Testing
import Yams

/// AdmissionReview in, AdmissionReview out: every answer well-formed, and the JSONPatch applied to the object
/// equals what `place` prints for it.
@Suite struct AdmissionReviewerTests {
    static let reviewer = AdmissionReviewer(placer: WorkloadPlacer(options: PlacementOptions(defaultOS: .linux)), maxBodyBytes: 64 * 1024)

    /// A v1 review of `object`.
    static func review(_ object: Any?, uid: String = "7f3c", operation: String = "CREATE") throws -> Data {
        var request: [String: Any] = ["uid": uid, "operation": operation, "kind": ["group": "", "version": "v1", "kind": (object as? [String: Any])?["kind"] ?? "Pod"]]
        if let object { request["object"] = object }
        return try JSONSerialization.data(withJSONObject: ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request])
    }

    /// The response part of an answer, after checking the envelope kube-apiserver requires.
    static func response(_ answer: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let review = try #require(try JSONSerialization.jsonObject(with: answer) as? [String: Any], sourceLocation: sourceLocation)
        #expect(review["apiVersion"] as? String == "admission.k8s.io/v1", sourceLocation: sourceLocation)
        #expect(review["kind"] as? String == "AdmissionReview", sourceLocation: sourceLocation)
        let response = try #require(review["response"] as? [String: Any], sourceLocation: sourceLocation)
        #expect((response["patch"] == nil) == (response["patchType"] == nil), "patch and patchType come together", sourceLocation: sourceLocation)
        return response
    }

    @Test(arguments: [
        ("not json", 400), (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1beta1","request":{"uid":"a"}}"#, 400),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}"#, 400), ("[1,2]", 400),
    ])
    func malformedReviewsAreRefusedWithAStatus(_ body: String, _ code: Int) throws {
        let response = try Self.response(Self.reviewer.review(Data(body.utf8)))
        #expect(response["allowed"] as? Bool == false)
        #expect((response["status"] as? [String: Any])?["code"] as? Int == code)
        #expect(((response["status"] as? [String: Any])?["message"] as? String)?.contains("AdmissionReview") == true)
    }

    @Test func oversizedReviewsAreRefusedWith413() throws {
        let response = try Self.response(Self.reviewer.review(Data(repeating: 0x20, count: 64 * 1024 + 1)))
        #expect(response["allowed"] as? Bool == false)
        #expect((response["status"] as? [String: Any])?["code"] as? Int == 413)
    }

    @Test func unknownKindsAndDeletesAreAllowedUnchanged() throws {
        let configMap = try Self.response(Self.reviewer.review(Self.review(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "x"]], uid: "u1")))
        #expect(configMap["uid"] as? String == "u1")
        #expect(configMap["allowed"] as? Bool == true)
        #expect(configMap["patch"] == nil)
        #expect(((configMap["status"] as? [String: Any])?["message"] as? String)?.contains("ConfigMap") == true)
        let noSpec = try Self.response(Self.reviewer.review(Self.review(["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d"], "spec": "x"])))
        #expect(noSpec["allowed"] as? Bool == true && noSpec["patch"] == nil)
        #expect((noSpec["status"] as? [String: Any])?["message"] as? String == "Deployment has no pod spec at spec.template.spec; allowed unchanged")
        let delete = try Self.response(Self.reviewer.review(Self.review(nil, uid: "u2", operation: "DELETE")))
        #expect(delete["uid"] as? String == "u2" && delete["allowed"] as? Bool == true && delete["patch"] == nil)
    }

    @Test func conflictsAreAllowedWithAWarning() throws {
        let pod: [String: Any] = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "mixed"], "spec": ["containers": [
            ["name": "win", "image": "mcr.microsoft.com/windows/nanoserver:ltsc2022"], ["name": "lin", "image": "alpine:3.20"]]]]
        let response = try Self.response(Self.reviewer.review(Self.review(pod)))
        #expect(response["allowed"] as? Bool == true && response["patch"] == nil)
        #expect((response["warnings"] as? [String])?.first?.contains("container win") == true)
    }

    /// Every workload document of the golden inputs: the patch applied to it equals `place`'s output for it.
    @Test(arguments: PlaceGoldenTests.inputs)
    func patchEqualsPlaceOutput(_ name: String) throws {
        let text = try String(contentsOf: TestFiles.golden.appendingPathComponent("place/\(name)"), encoding: .utf8)
        let placer = WorkloadPlacer(options: PlaceGoldenTests.options(text))
        let reviewer = AdmissionReviewer(placer: placer)
        let placed = try PlaceRun(text: text, file: name, placer: placer).output
        let inputs = try Yams.load_all(yaml: text).compactMap { $0 }
        let outputs = try Yams.load_all(yaml: placed).compactMap { $0 }
        #expect(inputs.count == outputs.count)
        for (input, expected) in zip(inputs, outputs) {
            let response = try Self.response(reviewer.review(Self.review(input)))
            #expect(response["allowed"] as? Bool == true)
            let patch = try (response["patch"] as? String).map(Self.decodePatch) ?? []
            let patched = try JSONPatchApplier.apply(patch, to: input)
            #expect(try Self.canonical(patched) == Self.canonical(expected), "\(name): \((input as? [String: Any])?["metadata"] ?? "")")
        }
    }

    /// The operations in a base64 `response.patch`.
    static func decodePatch(_ encoded: String) throws -> [[String: Any]] {
        let data = try #require(Data(base64Encoded: encoded))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    /// Sorted-key JSON text of a value, to compare trees regardless of key order.
    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }
}
