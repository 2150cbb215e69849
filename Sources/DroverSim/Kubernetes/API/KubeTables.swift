import Foundation

/// Server-side `Table` answers for `kubectl get` (kube-and-rancher-wire.md §A.5): every column (priority 1 ones
/// are shown by `-o wide`), cells as strings, and each row's `PartialObjectMetadata` for `-A`, `-L` and
/// `--show-labels`.
enum KubeTables {
    struct Column {
        let name: String
        let type: String
        let priority: Int
        init(_ name: String, _ type: String = "string", wide: Bool = false) {
            self.name = name
            self.type = type
            priority = wide ? 1 : 0
        }
    }

    static func table(_ type: KubeResourceType, _ objects: [JSONValue], revision: Int64, now: Date) -> JSONValue {
        let (columns, cells) = layout(type)
        let rows: [JSONValue] = objects.map { object in
            let age = KubeTime.human(now.timeIntervalSince(KubeTime.parse(object.at("metadata.creationTimestamp")?.string) ?? now))
            var metadata = object["metadata"] ?? [:]
            metadata["managedFields"] = nil
            return ["cells": .array(cells(object, age, now).map(JSONValue.string)),
                    "object": ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": metadata]]
        }
        return ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": ["resourceVersion": .string(String(revision))],
                "columnDefinitions": .array(columns.map { column in
                    ["name": .string(column.name), "type": .string(column.type), "format": column.name == "Name" ? "name" : "",
                     "description": .string(column.name), "priority": .int(Int64(column.priority))]
                }),
                "rows": .array(rows)]
    }

    typealias Cells = (JSONValue, String, Date) -> [String]

    private static func layout(_ type: KubeResourceType) -> ([Column], Cells) {
        switch type.kind {
        case "Node": return node
        case "Pod": return pod
        case "Deployment":
            return ([Column("Name"), Column("Ready"), Column("Up-to-date", "integer"), Column("Available", "integer"), Column("Age")]
                    + templateColumns, { object, age, _ in
                [object.metadataName, "\(int(object, "status.readyReplicas"))/\(int(object, "spec.replicas"))",
                 String(int(object, "status.updatedReplicas")), String(int(object, "status.availableReplicas")), age]
                    + templateCells(object)
            })
        case "DaemonSet":
            return ([Column("Name"), Column("Desired", "integer"), Column("Current", "integer"), Column("Ready", "integer"),
                     Column("Up-to-date", "integer"), Column("Available", "integer"), Column("Node Selector"), Column("Age")]
                    + templateColumns, { object, age, _ in
                let selector = (object.at("spec.template.spec.nodeSelector")?.object ?? [:]).compactMapValues(\.string)
                    .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                return [object.metadataName] + ["desiredNumberScheduled", "currentNumberScheduled", "numberReady",
                                                 "updatedNumberScheduled", "numberAvailable"].map { String(int(object, "status.\($0)")) }
                    + [selector.isEmpty ? "<none>" : selector, age] + templateCells(object)
            })
        case "StatefulSet":
            return ([Column("Name"), Column("Ready"), Column("Age")] + templateColumns.dropLast(), { object, age, _ in
                [object.metadataName, "\(int(object, "status.readyReplicas"))/\(int(object, "spec.replicas"))", age]
                    + templateCells(object).dropLast()
            })
        case "Job":
            return ([Column("Name"), Column("Status"), Column("Completions"), Column("Duration"), Column("Age")] + templateColumns,
                    { object, age, now in
                let start = KubeTime.parse(object.at("status.startTime")?.string)
                let end = KubeTime.parse(object.at("status.completionTime")?.string) ?? now
                return [object.metadataName, jobStatus(object),
                        "\(int(object, "status.succeeded"))/\(int(object, "spec.completions"))",
                        start.map { KubeTime.human(end.timeIntervalSince($0)) } ?? "", age] + templateCells(object)
            })
        case "CronJob":
            return ([Column("Name"), Column("Schedule"), Column("Suspend", "boolean"), Column("Active", "integer"),
                     Column("Last Schedule"), Column("Age"), Column("Containers", wide: true), Column("Images", wide: true)],
                    { object, age, now in
                let last = KubeTime.parse(object.at("status.lastScheduleTime")?.string).map { KubeTime.human(now.timeIntervalSince($0)) }
                let containers = object.at("spec.jobTemplate.spec.template.spec.containers")?.array ?? []
                return [object.metadataName, object.at("spec.schedule")?.string ?? "",
                        object.at("spec.suspend")?.bool == true ? "True" : "False",
                        String(object.at("status.active")?.array?.count ?? 0), last ?? "<none>", age,
                        containers.compactMap { $0["name"]?.string }.joined(separator: ","),
                        containers.compactMap { $0["image"]?.string }.joined(separator: ",")]
            })
        case "Namespace":
            return ([Column("Name"), Column("Status"), Column("Age")], { object, age, _ in
                [object.metadataName, object.at("status.phase")?.string ?? "Active", age]
            })
        case "ConfigMap":
            return ([Column("Name"), Column("Data", "integer"), Column("Age")], { object, age, _ in
                [object.metadataName, String((object["data"]?.object?.count ?? 0) + (object["binaryData"]?.object?.count ?? 0)), age]
            })
        case "Secret":
            return ([Column("Name"), Column("Type"), Column("Data", "integer"), Column("Age")], { object, age, _ in
                [object.metadataName, object["type"]?.string ?? "Opaque", String(object["data"]?.object?.count ?? 0), age]
            })
        case "Event":
            return ([Column("Last Seen"), Column("Type"), Column("Reason"), Column("Object"), Column("Message")], { object, _, now in
                let last = KubeTime.parse(object["lastTimestamp"]?.string).map { KubeTime.human(now.timeIntervalSince($0)) } ?? "<unknown>"
                let involved = "\((object.at("involvedObject.kind")?.string ?? "").lowercased())/\(object.at("involvedObject.name")?.string ?? "")"
                return [last, object["type"]?.string ?? "", object["reason"]?.string ?? "", involved, object["message"]?.string ?? ""]
            })
        default:
            return ([Column("Name"), Column("Age")], { object, age, _ in [object.metadataName, age] })
        }
    }

    /// Node rows (§A.5 `printNode`): Ready/NotReady/Unknown (+`,SchedulingDisabled`), roles from labels.
    private static var node: ([Column], Cells) { (
        [Column("Name"), Column("Status"), Column("Roles"), Column("Age"), Column("Version"),
         Column("Internal-IP", wide: true), Column("External-IP", wide: true), Column("OS-Image", wide: true),
         Column("Kernel-Version", wide: true), Column("Container-Runtime", wide: true)],
        { object, age, _ in
            let ready = (object.at("status.conditions")?.array ?? []).first { $0["type"]?.string == "Ready" }
            var status = switch ready?["status"]?.string { case "True": "Ready"; case "False": "NotReady"; default: "Unknown" }
            if object.at("spec.unschedulable")?.bool == true { status += ",SchedulingDisabled" }
            let labels = object.labels
            var roles = Set(labels.keys.filter { $0.hasPrefix("node-role.kubernetes.io/") }.map { String($0.dropFirst("node-role.kubernetes.io/".count)) })
            if let role = labels["kubernetes.io/role"] { roles.insert(role) }
            roles.remove("")
            func address(_ type: String) -> String {
                (object.at("status.addresses")?.array ?? []).first { $0["type"]?.string == type }?["address"]?.string ?? "<none>"
            }
            let info = object.at("status.nodeInfo")
            func field(_ name: String) -> String { info?[name]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? "<unknown>" }
            return [object.metadataName, status, roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ","), age,
                    info?["kubeletVersion"]?.string ?? "", address("InternalIP"), address("ExternalIP"), field("osImage"),
                    field("kernelVersion"), field("containerRuntimeVersion")]
        }) }

    /// Pod rows: the Status cell is the waiting or terminated reason of a container when there is one, as
    /// `kubectl get pods` shows `ErrImagePull` or `CreateContainerError`.
    private static var pod: ([Column], Cells) { (
        [Column("Name"), Column("Ready"), Column("Status"), Column("Restarts"), Column("Age"), Column("IP", wide: true),
         Column("Node", wide: true), Column("Nominated Node", wide: true), Column("Readiness Gates", wide: true)],
        { object, age, _ in
            let statuses = object.at("status.containerStatuses")?.array ?? []
            let total = object.at("spec.containers")?.array?.count ?? 0
            let ready = statuses.filter { $0["ready"]?.bool == true }.count
            let restarts = statuses.reduce(Int64(0)) { $0 + ($1["restartCount"]?.int ?? 0) }
            return [object.metadataName, "\(ready)/\(total)", podStatus(object), String(restarts), age,
                    object.at("status.podIP")?.string ?? "<none>", object.at("spec.nodeName")?.string ?? "<none>", "<none>", "<none>"]
        }) }

    static func podStatus(_ pod: JSONValue) -> String {
        if pod.at("metadata.deletionTimestamp") != nil { return "Terminating" }
        var reason = pod.at("status.reason")?.string ?? pod.at("status.phase")?.string ?? "Pending"
        for status in pod.at("status.containerStatuses")?.array ?? [] {
            if let waiting = status.at("state.waiting.reason")?.string, !waiting.isEmpty { reason = waiting }
            else if let terminated = status.at("state.terminated.reason")?.string, !terminated.isEmpty { reason = terminated }
        }
        return reason
    }

    private static func jobStatus(_ job: JSONValue) -> String {
        let conditions = job.at("status.conditions")?.array ?? []
        for (type, shown) in [("Complete", "Complete"), ("Failed", "Failed"), ("Suspended", "Suspended")]
        where conditions.contains(where: { $0["type"]?.string == type && $0["status"]?.string == "True" }) {
            return shown
        }
        return "Running"
    }

    private static let templateColumns = [Column("Containers", wide: true), Column("Images", wide: true), Column("Selector", wide: true)]

    private static func templateCells(_ object: JSONValue) -> [String] {
        let containers = object.at("spec.template.spec.containers")?.array ?? []
        let selector = (object.at("spec.selector.matchLabels")?.object ?? [:]).compactMapValues(\.string)
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return [containers.compactMap { $0["name"]?.string }.joined(separator: ","),
                containers.compactMap { $0["image"]?.string }.joined(separator: ","), selector.isEmpty ? "<none>" : selector]
    }

    private static func int(_ object: JSONValue, _ path: String) -> Int64 { object.at(path)?.int ?? 0 }
}
