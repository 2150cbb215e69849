import DroverHTTPTestSupport
import Foundation
import NIOConcurrencyHelpers

/// A scripted Rancher for handler tests, answering as rancher-api.md and kube-and-rancher-wire.md §C describe: the
/// bootstrap endpoints of 2.3 and 2.6+, tokens, settings, clusters (v3 and provisioning v1), registration tokens, nodes
/// and kubeconfigs. It is a test double with only the behaviour each test needs, not the simulator.
/// Unchecked: every stored value sits behind the lock (the JSON objects are `[String: Any]`).
final class FakeRancher: @unchecked Sendable {
    struct Token { var secret: String; var expired = false; var login = false }
    struct Node { var name: String; var os: String; var roles: [String]; var ready: Bool; var message: String? = nil }

    struct State {
        /// The 2.x minor version: 13+ has `/v1-public/login`; 11+ has no `telemetry-opt`; 6+ makes `default-token`.
        var minor = 13
        var adminPassword = "admin"
        var tokens: [String: Token] = [:]
        var settings: [String: String] = ["server-url": "", "telemetry-opt": "prompt", "first-login": "true"]
        var setPasswordCalls = 0
        /// `/ping` answers 503 this many times first.
        var unavailable = 0
        var pings = 0
        var clusters: [String: [String: Any]] = [:]
        var provisioning: [String: [String: Any]] = [:]
        /// Polls of the provisioning cluster before `status.clusterName` appears.
        var clusterNameAfter = 1
        var crtCreated = 0
        /// Registration-token list polls before `token` and `nodeCommand` are filled in (2.6+).
        var tokenAfter = 0
        var tokenPolls = 0
        var nodes: [Node] = []
        /// Bodies of accepted PUTs.
        var puts: [[String: Any]] = []
        /// PUTs of a provisioning cluster answered 409 (someone else changed it first).
        var bumpBeforePut = 0
        /// CAPI machines by node name → phase (RKE2).
        var machines: [String: String] = [:]
        var clusterState = "provisioning"
        var nextId = 0
    }

    let state: NIOLockedValueBox<State>
    init(_ configure: (inout State) -> Void = { _ in }) {
        var initial = State()
        configure(&initial)
        state = NIOLockedValueBox(initial)
    }

    func with<T>(_ body: (inout State) -> T) -> T { state.withLockedValue(body) }

    static let registrationToken = "regtoken5bcdfghjklmnpqrstvwxz2456789"

    func respond(_ request: RecordedRequest) -> ScriptedResponse {
        state.withLockedValue { s in answer(request, &s) }
    }

    private func error(_ status: Int, _ code: String, _ message: String) -> ScriptedResponse {
        .json(status, ["type": "error", "status": status, "code": code, "message": message])
    }

    private func authorized(_ request: RecordedRequest, _ s: State) -> Bool {
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer ") else { return false }
        let parts = header.dropFirst(7).split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let token = s.tokens[parts[0]] else { return false }
        return token.secret == parts[1] && !token.expired
    }

    private func newToken(_ s: inout State, login: Bool) -> [String: Any] {
        s.nextId += 1
        let id = "token-\(s.nextId)"
        let secret = "secret\(s.nextId)xyz"
        s.tokens[id] = Token(secret: secret, login: login)
        return ["id": id, "type": "token", "token": "\(id):\(secret)"]
    }

    private func answer(_ request: RecordedRequest, _ s: inout State) -> ScriptedResponse {
        let path = request.path
        let body = request.json ?? [:]
        switch (request.method, path) {
        case ("GET", "/ping"):
            s.pings += 1
            if s.unavailable > 0 {
                s.unavailable -= 1
                return .reply(status: 503, headers: [], body: Data("default backend - 503".utf8))
            }
            return .reply(status: 200, headers: [("Content-Type", "text/plain")], body: Data("pong".utf8))
        case ("POST", "/v1-public/login"):
            guard s.minor >= 13 else { return error(404, "NotFound", "404 page not found") }
            guard body["type"] as? String == "localProvider" else { return error(422, "InvalidBodyContent", "unknown type") }
            fallthrough
        case ("POST", "/v3-public/localProviders/local"):
            guard body["username"] as? String == "admin", body["password"] as? String == s.adminPassword else {
                return error(401, "Unauthorized", "authentication failed")
            }
            return .json(201, newToken(&s, login: true))
        default: break
        }
        guard authorized(request, s) else { return error(401, "Unauthorized", "must authenticate") }
        let parts = path.split(separator: "/").map(String.init)
        switch (request.method, parts.first ?? "", parts.dropFirst().first ?? "") {
        case ("GET", "v3", "users"):
            return .json(200, ["type": "collection", "data": [["id": "user-admin", "username": "admin"]]])
        case ("POST", "v3", "users") where request.query("action") == "setpassword" && parts.count == 3:
            s.setPasswordCalls += 1
            s.adminPassword = body["newPassword"] as? String ?? ""
            s.settings["first-login"] = "false"
            return .json(200, ["id": parts[2]])
        case ("POST", "v3", "tokens"):
            return .json(201, newToken(&s, login: false))
        case ("GET", "v3", "tokens") where parts.count == 2:
            return .json(200, ["type": "collection", "data": s.tokens.map { id, token in
                ["id": id, "description": token.login ? "drover login" : "drover", "expired": token.expired] as [String: Any]
            }])
        case ("GET", "v3", "tokens") where parts.count == 3:
            guard let token = s.tokens[parts[2]] else { return error(404, "NotFound", "token not found") }
            return .json(200, ["id": parts[2], "expired": token.expired])
        case ("DELETE", "v3", "tokens") where parts.count == 3:
            s.tokens[parts[2]] = nil
            return .empty(204)
        case ("PUT", "v3", "settings") where parts.count == 3:
            let name = parts[2]
            if name == "telemetry-opt", s.minor >= 11 { return error(404, "NotFound", "settings.management.cattle.io \"telemetry-opt\" not found") }
            s.settings[name] = body["value"] as? String
            return .json(200, ["id": name, "value": s.settings[name] ?? ""])
        case ("GET", "v3", "clusters") where parts.count == 2:
            let name = request.query("name")
            return .json(200, ["type": "collection", "data": s.clusters.values.filter { name == nil || $0["name"] as? String == name }])
        case ("POST", "v3", "clusters") where parts.count == 2:
            if s.clusters.values.contains(where: { $0["name"] as? String == body["name"] as? String }) {
                return .json(422, ["type": "error", "status": 422, "code": "NotUnique", "fieldName": "Cluster name", "message": "Cluster name is not unique"])
            }
            s.nextId += 1
            var cluster = body
            cluster["id"] = "c-\(s.nextId)abcd"
            cluster["state"] = "provisioning"
            s.clusters["c-\(s.nextId)abcd"] = cluster
            return .json(201, cluster)
        case ("GET", "v3", "clusters") where parts.count == 3:
            var cluster = s.clusters[parts[2]] ?? ["id": parts[2]]
            cluster["state"] = s.clusterState
            return .json(200, cluster)
        case ("POST", "v3", "clusters") where parts.count == 3 && request.query("action") == "generateKubeconfig":
            let config = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: "\(parts[2])"
                  cluster:
                    server: "https://rancher.example.test/k8s/clusters/\(parts[2])"
                users:
                - name: "\(parts[2])"
                  user:
                    token: "kubeconfig-user-abc:kubesecret123"
                contexts:
                - name: "\(parts[2])"
                  context:
                    user: "\(parts[2])"
                    cluster: "\(parts[2])"
                current-context: "\(parts[2])"
                """
            return .json(200, ["type": "generateKubeconfigOutput", "config": config])
        case ("POST", "v1", "provisioning.cattle.io.clusters"):
            let name = (body["metadata"] as? [String: Any])?["name"] as? String ?? ""
            if s.provisioning[name] != nil { return error(409, "AlreadyExists", "clusters.provisioning.cattle.io \"\(name)\" already exists") }
            var object = body
            object["id"] = "fleet-default/\(name)"
            object["status"] = [String: Any]()
            object["metadata"] = ["name": name, "namespace": "fleet-default", "resourceVersion": "1"]
            s.provisioning[name] = object
            return .json(201, object)
        case ("GET", "v1", "provisioning.cattle.io.clusters") where parts.count == 4:
            guard var object = s.provisioning[parts[3]] else { return error(404, "NotFound", "not found") }
            if s.clusterNameAfter > 0 { s.clusterNameAfter -= 1 } else { object["status"] = ["clusterName": "c-m-abcd1234", "ready": false] }
            s.provisioning[parts[3]] = object
            return .json(200, object)
        case ("PUT", "v1", "provisioning.cattle.io.clusters") where parts.count == 4:
            guard let stored = s.provisioning[parts[3]] else { return error(404, "NotFound", "not found") }
            let version = (stored["metadata"] as? [String: Any])?["resourceVersion"] as? String ?? "1"
            if s.bumpBeforePut > 0 {
                s.bumpBeforePut -= 1
                var bumped = stored
                bumped["metadata"] = ["name": parts[3], "namespace": "fleet-default", "resourceVersion": String((Int(version) ?? 1) + 1)]
                s.provisioning[parts[3]] = bumped
                return error(409, "Conflict", "the object has been modified; please apply your changes to the latest version")
            }
            guard (body["metadata"] as? [String: Any])?["resourceVersion"] as? String == version else {
                return error(409, "Conflict", "stale resourceVersion")
            }
            var object = body
            object["metadata"] = ["name": parts[3], "namespace": "fleet-default", "resourceVersion": String((Int(version) ?? 1) + 1)]
            s.provisioning[parts[3]] = object
            s.puts.append(body)
            return .json(200, object)
        case ("PUT", "v3", "clusters") where parts.count == 3:
            s.puts.append(body)
            return .json(200, ["id": parts[2]])
        case ("GET", "v3", "clusterregistrationtokens"):
            s.tokenPolls += 1
            let clusterId = request.query("clusterId") ?? ""
            let exists = s.minor >= 6 || s.crtCreated > 0
            guard exists else { return .json(200, ["type": "collection", "data": [[String: Any]]()]) }
            let filled = s.tokenPolls > s.tokenAfter
            let token = filled ? Self.registrationToken : ""
            return .json(200, ["type": "collection", "data": [[
                "id": "\(clusterId):default-token", "name": "default-token", "clusterId": clusterId, "token": token,
                "nodeCommand": filled ? "curl -fL https://rancher.example.test/system-agent-install.sh | sudo  sh -s - --server https://rancher.example.test --label 'cattle.io/os=linux' --token \(token)" : "",
                "windowsNodeCommand": filled ? "curl.exe -fL https://rancher.example.test/wins-agent-install.ps1 -o install.ps1; Set-ExecutionPolicy Bypass -Scope Process -Force; ./install.ps1 -Server https://rancher.example.test -Label 'cattle.io/os=windows' -Token \(token) -Worker" : "",
            ]]])
        case ("POST", "v3", "clusterregistrationtokens"):
            s.crtCreated += 1
            return .json(201, ["id": "\(body["clusterId"] as? String ?? ""):default-token"])
        case ("GET", "v1", "cluster.x-k8s.io.machines"):
            return .json(200, ["type": "collection", "data": s.machines.map { name, phase -> [String: Any] in
                [
                    "id": "fleet-default/custom-\(name)",
                    "metadata": ["name": "custom-0123456789ab", "namespace": "fleet-default",
                                 "labels": ["cluster.x-k8s.io/cluster-name": "hybrid", "rke.cattle.io/node-name": name]],
                    "status": ["phase": phase],
                ]
            }])
        case ("GET", "v3", "nodes"):
            return .json(200, ["type": "collection", "data": s.nodes.map { node -> [String: Any] in
                [
                    "nodeName": node.name, "state": node.ready ? "active" : "provisioning", "etcd": node.roles.contains("etcd"),
                    "controlPlane": node.roles.contains("control-plane"), "worker": node.roles.contains("worker"),
                    "labels": ["kubernetes.io/os": node.os],
                    "conditions": [["type": "Ready", "status": node.ready ? "True" : "False", "reason": node.ready ? "KubeletReady" : "KubeletNotReady",
                                    "message": node.message ?? ""]],
                ]
            }])
        default:
            return error(404, "NotFound", "no route \(request.method) \(path)")
        }
    }
}
