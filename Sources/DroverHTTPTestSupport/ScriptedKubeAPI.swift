import Foundation

/// Answers of a minimal Kubernetes API server for client tests: legacy discovery (kube-and-rancher-wire.md §A.2)
/// for `v1`, `apps/v1` and `batch/v1`, `metav1.Status` bodies (§A.8), and lists served from fixture objects.
public enum ScriptedKubeAPI {
    static func resource(_ name: String, _ kind: String, namespaced: Bool) -> [String: Any] {
        ["name": name, "singularName": kind.lowercased(), "namespaced": namespaced, "kind": kind, "verbs": ["get", "list", "watch", "patch", "delete"]]
    }

    static func resourceList(_ groupVersion: String, _ resources: [[String: Any]]) -> [String: Any] {
        ["kind": "APIResourceList", "groupVersion": groupVersion, "resources": resources]
    }

    /// The discovery answer for `path`, nil when it is not a discovery path; unknown group versions answer 404.
    public static func discovery(_ path: String) -> ScriptedResponse? {
        switch path {
        case "/api":
            return .json(200, ["kind": "APIVersions", "versions": ["v1"]])
        case "/apis":
            return .json(200, ["kind": "APIGroupList", "apiVersion": "v1", "groups": ["apps", "batch"].map { group in
                ["name": group, "versions": [["groupVersion": "\(group)/v1", "version": "v1"]], "preferredVersion": ["groupVersion": "\(group)/v1", "version": "v1"]]
            }])
        case "/api/v1":
            return .json(200, resourceList("v1", [
                resource("nodes", "Node", namespaced: false),
                ["name": "nodes/status", "singularName": "", "namespaced": false, "kind": "Node", "verbs": ["get", "patch"]],
                resource("pods", "Pod", namespaced: true), resource("namespaces", "Namespace", namespaced: false),
                resource("configmaps", "ConfigMap", namespaced: true),
            ]))
        case "/apis/apps/v1":
            return .json(200, resourceList("apps/v1", [
                resource("deployments", "Deployment", namespaced: true), resource("daemonsets", "DaemonSet", namespaced: true),
                resource("statefulsets", "StatefulSet", namespaced: true), resource("replicasets", "ReplicaSet", namespaced: true),
                ["name": "deployments/status", "singularName": "", "namespaced": true, "kind": "Deployment", "verbs": ["get"]],
            ]))
        case "/apis/batch/v1":
            return .json(200, resourceList("batch/v1", [resource("jobs", "Job", namespaced: true), resource("cronjobs", "CronJob", namespaced: true)]))
        case let other where other.hasPrefix("/apis/") && other.split(separator: "/").count == 3:
            return .json(404, status(404, "NotFound", "the server could not find the requested resource"))
        default:
            return nil
        }
    }

    /// A `metav1.Status` body.
    public static func status(_ code: Int, _ reason: String, _ message: String, causes: [[String: String]] = []) -> [String: Any] {
        var status: [String: Any] = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": message, "reason": reason, "code": code]
        if !causes.isEmpty { status["details"] = ["causes": causes] }
        return status
    }

    /// A respond closure serving discovery and, for each collection path of `lists` (such as `/api/v1/nodes`), a list
    /// of its objects; every other path answers 404 `NotFound`.
    public static func serving(lists: [String: [Any]]) -> @Sendable (RecordedRequest) -> ScriptedResponse {
        let data = (try? JSONSerialization.data(withJSONObject: lists)) ?? Data()
        return { request in
            if let answer = discovery(request.path) { return answer }
            let fixtures = (try? JSONSerialization.jsonObject(with: data)) as? [String: [Any]] ?? [:]
            guard let items = fixtures[request.path] else {
                return .json(404, status(404, "NotFound", "the server could not find the requested resource"))
            }
            return .json(200, ["kind": "List", "apiVersion": "v1", "metadata": ["resourceVersion": "1"], "items": items])
        }
    }
}
