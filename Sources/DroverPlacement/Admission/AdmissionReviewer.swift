import Foundation
import Yams

/// Answers an `admission.k8s.io/v1` AdmissionReview with the placement of its object as a JSONPatch.
///
/// Every input gets a well-formed review back (kube-and-rancher-wire.md §B: `response.uid` echoes the request,
/// `patch` and `patchType` come together): workloads are allowed with their patch; kinds placement does not handle,
/// DELETEs and conflicts are allowed unchanged with the reason in `status` and `warnings`; a body that is not a
/// review, or is larger than `maxBodyBytes`, is refused with status 400 or 413.
public struct AdmissionReviewer: Sendable {
    /// Places workloads, with the cluster's default OS for those nothing decides.
    public var placer: WorkloadPlacer
    /// The largest body read; kube-apiserver objects stay under etcd's 1.5 MiB request limit.
    public var maxBodyBytes: Int

    /// Creates a reviewer.
    public init(placer: WorkloadPlacer, maxBodyBytes: Int = 3 * 1024 * 1024) {
        self.placer = placer
        self.maxBodyBytes = maxBodyBytes
    }

    /// The review answering `body`, as JSON.
    public func review(_ body: Data) -> Data {
        guard body.count <= maxBodyBytes else { return tooLarge() }
        guard let review = try? JSONTree.parse(Array(body)),
              Self.string(review.value("kind")) == "AdmissionReview", Self.string(review.value("apiVersion")) == "admission.k8s.io/v1",
              let request = review.value("request"), request.mapping != nil, let uid = Self.string(request.value("uid")) else {
            return Self.encode(uid: "", allowed: false, status: (400, "the body is not an admission.k8s.io/v1 AdmissionReview with request.uid"))
        }
        guard let object = request.value("object"), object.mapping != nil else {
            return Self.encode(uid: uid, allowed: true, status: (200, "no object to place (operation \(Self.string(request.value("operation")) ?? "?"))"))
        }
        guard let placement = placer.place(object) else {
            let kind = Self.string(object.value("kind")) ?? Self.string(request.value(at: ["kind", "kind"])) ?? "?"
            let reason = WorkloadKind(rawValue: kind).map { "\(kind) has no pod spec at \($0.podSpecPath.joined(separator: "."))" }
                ?? "kind \(kind) is not a workload drover places"
            return Self.encode(uid: uid, allowed: true, status: (200, "\(reason); allowed unchanged"))
        }
        guard !placement.edits.isEmpty else {
            let warnings = placement.isConflict || placement.outcome == .undecided ? [placement.summary] : []
            return Self.encode(uid: uid, allowed: true, status: (200, placement.summary), warnings: warnings)
        }
        return Self.encode(uid: uid, allowed: true, status: nil, patch: JSONPatch.encoded(placement.edits))
    }

    /// The text of a JSON string (which `JSONTree` reads as a double-quoted scalar), nil for any other value.
    static func string(_ node: Node?) -> String? {
        guard let scalar = node?.scalar, scalar.style == .doubleQuoted else { return nil }
        return scalar.string
    }

    /// The refusal of a body larger than `maxBodyBytes` (status 413), a review like any other.
    public func tooLarge() -> Data {
        Self.encode(uid: "", allowed: false, status: (413, "the review is larger than the \(maxBodyBytes) bytes this webhook reads"))
    }

    /// A v1 AdmissionReview carrying a response.
    static func encode(uid: String, allowed: Bool, status: (code: Int, message: String)?, patch: [UInt8]? = nil, warnings: [String] = []) -> Data {
        var response: [(String, JSONText)] = [("uid", .string(uid)), ("allowed", .boolean(allowed))]
        if let status { response.append(("status", .object([("code", .integer(status.code)), ("message", .string(status.message))]))) }
        if let patch {
            response.append(("patchType", .string("JSONPatch")))
            response.append(("patch", .string(Data(patch).base64EncodedString())))
        }
        if !warnings.isEmpty { response.append(("warnings", .array(warnings.map(JSONText.string)))) }
        let review = JSONText.object([("apiVersion", .string("admission.k8s.io/v1")), ("kind", .string("AdmissionReview")), ("response", .object(response))])
        return Data(review.bytes)
    }
}
