import Foundation

/// `/v3/settings` (rancher-api.md §1.2 steps 5–7, §1.3): GET and PUT of the settings the release has; anything else
/// is a 404, which is how clients learn a setting is gone (`telemetry-opt` from 2.11, `eula-agreed` before 2.8).
extension RancherServer {
    func settingsRequest(_ request: SimRequest, caller: Caller?) -> SimResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        if segments.count == 2, request.method == "GET" {
            let all = world.settings.keys.sorted().map { settingResource($0, request: request) }
            return .json(200, collection("setting", all, request: request))
        }
        guard segments.count == 3 else { return RancherError.norman(405, "MethodNotAllow", "method \(request.method) not allowed") }
        let name = segments[2]
        guard world.settings[name] != nil else {
            return RancherError.norman(404, "NotFound", "settings.management.cattle.io \"\(name)\" not found")
        }
        switch request.method {
        case "GET": return .json(200, settingResource(name, request: request))
        case "PUT":
            guard caller != nil else { return RancherError.norman(401, "Unauthorized", "must authenticate") }
            guard let value = (try? JSONValue.parse(request.body))?["value"]?.string else {
                return RancherError.norman(422, "MissingRequired", "must specify value", fieldName: "value")
            }
            world.settings[name] = value
            return .json(200, settingResource(name, request: request))
        default: return RancherError.norman(405, "MethodNotAllow", "method \(request.method) not allowed")
        }
    }

    private func settingResource(_ name: String, request: SimRequest) -> JSONValue {
        let value = world.settings[name] ?? ""
        let fallback = RancherSettings.defaults(for: configuration.version)[name] ?? ""
        return ["id": .string(name), "type": "setting", "baseType": "setting", "name": .string(name), "value": .string(value),
                "default": .string(name == "cacerts" ? "" : fallback), "customized": .bool(value != fallback),
                "links": ["self": .string(baseURL(request) + "/v3/settings/" + name)]]
    }
}
