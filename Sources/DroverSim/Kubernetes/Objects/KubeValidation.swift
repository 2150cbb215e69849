import Foundation

/// The checks the API server makes before storing an object; failures are 422 `Invalid` with one cause per field
/// (kube-and-rancher-wire.md §A.8).
enum KubeValidation {
    typealias Cause = (field: String, reason: String, message: String)

    static func validate(_ type: KubeResourceType, _ object: JSONValue) throws(KubeStatusError) {
        var causes: [Cause] = []
        let name = object.metadataName
        if name.isEmpty {
            causes.append(("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"))
        } else if let problem = KubeNames.problem(name, type: type) {
            causes.append(("metadata.name", "FieldValueInvalid", "Invalid value: \"\(name)\": \(problem)"))
        }
        switch type.kind {
        case "Pod": causes += podSpec(object["spec"], field: "spec")
        case "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet": causes += workload(object)
        case "Job": causes += podSpec(object.at("spec.template.spec"), field: "spec.template.spec", job: true)
        case "CronJob":
            if (object.at("spec.schedule")?.string ?? "").isEmpty {
                causes.append(("spec.schedule", "FieldValueRequired", "Required value"))
            } else if KubeCronSchedule(object.at("spec.schedule")!.string!) == nil {
                causes.append(("spec.schedule", "FieldValueInvalid", "Invalid value: \"\(object.at("spec.schedule")!.string!)\": unparsable cron schedule"))
            }
            causes += podSpec(object.at("spec.jobTemplate.spec.template.spec"), field: "spec.jobTemplate.spec.template.spec", job: true)
        default: break
        }
        if !causes.isEmpty { throw .invalid(type, name, causes: causes) }
    }

    private static func workload(_ object: JSONValue) -> [Cause] {
        var causes: [Cause] = []
        guard let selector = object.at("spec.selector"), selector.object?.isEmpty == false else {
            return [("spec.selector", "FieldValueRequired", "Required value")]
                + podSpec(object.at("spec.template.spec"), field: "spec.template.spec")
        }
        let labels = (object.at("spec.template.metadata.labels")?.object ?? [:]).compactMapValues(\.string)
        if !LabelSelector(object: selector).matches(labels) {
            let shown = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ", ")
            causes.append(("spec.template.metadata.labels", "FieldValueInvalid",
                           "Invalid value: map[string]string{\(shown)}: `selector` does not match template `labels`"))
        }
        return causes + podSpec(object.at("spec.template.spec"), field: "spec.template.spec")
    }

    private static func podSpec(_ spec: JSONValue?, field: String, job: Bool = false) -> [Cause] {
        guard let containers = spec?["containers"]?.array, !containers.isEmpty else {
            return [("\(field).containers", "FieldValueRequired", "Required value")]
        }
        var causes: [Cause] = []
        for (index, container) in containers.enumerated() {
            if (container["name"]?.string ?? "").isEmpty {
                causes.append(("\(field).containers[\(index)].name", "FieldValueRequired", "Required value"))
            }
            if (container["image"]?.string ?? "").isEmpty {
                causes.append(("\(field).containers[\(index)].image", "FieldValueRequired", "Required value"))
            }
        }
        if job, !["OnFailure", "Never"].contains(spec?["restartPolicy"]?.string ?? "Always") {
            causes.append(("\(field).restartPolicy", "FieldValueNotSupported",
                           "Unsupported value: \"\(spec?["restartPolicy"]?.string ?? "Always")\": supported values: \"OnFailure\", \"Never\""))
        }
        return causes
    }
}
