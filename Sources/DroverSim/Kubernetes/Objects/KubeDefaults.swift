import Foundation

/// What the API server fills in on create and update (identity, defaults, status reset).
enum KubeDefaults {
    static func applyCreate(_ object: JSONValue, type: KubeResourceType, now: Date) -> JSONValue {
        var object = object
        object.set("metadata.uid", .string(UUID().uuidString.lowercased()))
        object.set("metadata.creationTimestamp", .string(KubeTime.format(now)))
        object.set("metadata.resourceVersion", nil)
        if type.tracksGeneration { object.set("metadata.generation", 1) }
        switch type.kind {
        case "Namespace":
            var labels = object.at("metadata.labels")?.object ?? [:]
            labels["kubernetes.io/metadata.name"] = .string(object.metadataName)
            object.set("metadata.labels", .object(labels))
            object["spec"] = ["finalizers": ["kubernetes"]]
            object["status"] = ["phase": "Active"]
        case "Pod":
            object["status"] = ["phase": "Pending", "qosClass": "BestEffort"]
        case "Node":
            if object["status"] == nil { object["status"] = [:] }
        case "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "CronJob":
            object["status"] = [:]
        default: break
        }
        return applyUpdate(object, type: type)
    }

    /// Defaults kept true on every write.
    static func applyUpdate(_ object: JSONValue, type: KubeResourceType) -> JSONValue {
        var object = object
        switch type.kind {
        case "Pod":
            if object.at("spec.restartPolicy") == nil { object.set("spec.restartPolicy", "Always") }
            if object.at("spec.schedulerName") == nil { object.set("spec.schedulerName", "default-scheduler") }
        case "Deployment", "StatefulSet", "ReplicaSet":
            if object.at("spec.replicas") == nil { object.set("spec.replicas", 1) }
            if type.kind == "Deployment", object.at("spec.strategy.type") == nil {
                object.set("spec.strategy", ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": "25%", "maxUnavailable": "25%"]])
            }
        case "Job":
            for (field, value) in [("completions", 1), ("parallelism", 1), ("backoffLimit", 6)] as [(String, Int64)]
            where object.at("spec.\(field)") == nil {
                object.set("spec.\(field)", .int(value))
            }
        case "CronJob":
            if object.at("spec.suspend") == nil { object.set("spec.suspend", false) }
            if object.at("spec.concurrencyPolicy") == nil { object.set("spec.concurrencyPolicy", "Allow") }
        case "Secret":
            // `stringData` is write-only: the server folds it into `data` as base64.
            if let plain = object["stringData"]?.object {
                var data = object["data"]?.object ?? [:]
                for (key, value) in plain { data[key] = .string(Data((value.string ?? "").utf8).base64EncodedString()) }
                object["data"] = .object(data)
                object["stringData"] = nil
            }
            if object["type"] == nil { object["type"] = "Opaque" }
        default: break
        }
        return object
    }
}
