import Foundation

/// Create, update, patch and delete with the API server's bookkeeping: uid, creationTimestamp, generation,
/// resourceVersion conflicts, managedFields, status subresource split, cascading deletion (kube-and-rancher-wire.md
/// §A.4, §A.6, §A.8).
extension KubernetesCluster {
    func create(_ type: KubeResourceType, namespace: String?, body: JSONValue, manager: String,
                operation: String = "Update") throws(KubeStatusError) -> JSONValue {
        var object = try checkIdentity(type, namespace: namespace, body: body)
        if object.metadataName.isEmpty, let prefix = object.at("metadata.generateName")?.string, !prefix.isEmpty {
            object.set("metadata.name", .string(prefix + KubeNames.suffix(seed: "\(prefix)\(revision)")))
        }
        let name = object.metadataName
        try KubeValidation.validate(type, object)
        if type.namespaced {
            guard objects[KubeObjectKey(KubeCatalog.namespaces, namespace: nil, name: object.metadataNamespace)] != nil else {
                throw .namespaceNotFound(object.metadataNamespace)
            }
        }
        let key = KubeObjectKey(type, namespace: object.metadataNamespace, name: name)
        guard objects[key] == nil else { throw .alreadyExists(type, name) }
        object = KubeDefaults.applyCreate(object, type: type, now: clock.now())
        object = recordOwnership(object, old: nil, manager: manager, operation: operation, type: type)
        let stored = commit(type, key, object)!
        reconcile()
        return objects[key] ?? stored
    }

    /// PUT: replaces the object (or only its status through `/status`); a stale `resourceVersion` is a 409.
    func update(_ type: KubeResourceType, namespace: String?, name: String, body: JSONValue, subresource: String?,
                manager: String) throws(KubeStatusError) -> (JSONValue, Bool) {
        var object = try checkIdentity(type, namespace: namespace, body: body)
        guard object.metadataName == name else {
            throw .badRequest("the name of the object (\(object.metadataName)) does not match the name on the URL (\(name))")
        }
        let key = KubeObjectKey(type, namespace: object.metadataNamespace, name: name)
        guard let old = objects[key] else { throw .notFound(type, name) }
        if let sent = object.at("metadata.resourceVersion")?.string, !sent.isEmpty,
           sent != old.at("metadata.resourceVersion")?.string {
            throw .conflict(type, name)
        }
        return (try replace(type, key: key, old: old, new: &object, subresource: subresource, manager: manager, operation: "Update"), false)
    }

    /// PATCH in one of the four content types of §A.6; server-side apply creates what is absent (201).
    func patch(_ type: KubeResourceType, namespace: String?, name: String, request: SimRequest,
               subresource: String?) throws(KubeStatusError) -> (JSONValue, Bool) {
        let contentType = (request.headers["content-type"] ?? "").split(separator: ";").first.map(String.init) ?? ""
        let body = try Self.body(request)
        let key = KubeObjectKey(type, namespace: namespace, name: name)
        let manager = Self.manager(request)
        if contentType == "application/apply-patch+yaml" {
            return try serverSideApply(type, key: key, namespace: namespace, name: name, body: body, manager: manager,
                                       force: request.query["force"] == "true", subresource: subresource)
        }
        guard let old = objects[key] else { throw .notFound(type, name) }
        var patched: JSONValue
        switch contentType {
        case "application/merge-patch+json": patched = KubePatch.merge(old, body)
        case "application/strategic-merge-patch+json": patched = try KubePatch.strategicMerge(old, body)
        case "application/json-patch+json": patched = try KubePatch.json(old, body)
        default: throw .unsupportedMediaType(contentType)
        }
        if let sent = body.at("metadata.resourceVersion")?.string, sent != old.at("metadata.resourceVersion")?.string {
            throw .conflict(type, name)
        }
        _ = try checkIdentity(type, namespace: namespace, body: patched)
        return (try replace(type, key: key, old: old, new: &patched, subresource: subresource, manager: manager, operation: "Update"), false)
    }

    /// Server-side apply: conflicts with other managers' fields unless `force`, fields this manager applied before
    /// and no longer applies are removed, the rest merges like a strategic merge patch.
    private func serverSideApply(_ type: KubeResourceType, key: KubeObjectKey, namespace: String?, name: String,
                                 body: JSONValue, manager: String, force: Bool, subresource: String?) throws(KubeStatusError) -> (JSONValue, Bool) {
        var applied = try checkIdentity(type, namespace: namespace, body: body)
        guard applied.metadataName == name else {
            throw .badRequest("the name of the object (\(applied.metadataName)) does not match the name on the URL (\(name))")
        }
        guard let old = objects[key] else {
            return (try create(type, namespace: namespace, body: applied, manager: manager, operation: "Apply"), true)
        }
        let appliedFields = KubeFieldManager.fields(of: applied)
        var entries = KubeFieldManager.entries(of: old)
        if !force {
            var conflicts: [(manager: String, path: String)] = []
            for entry in entries where entry.manager != manager {
                for path in entry.fields.intersection(appliedFields).sorted(by: { $0.lexicographicallyPrecedes($1) })
                where KubeFieldManager.value(old, path) != KubeFieldManager.value(applied, path) {
                    conflicts.append((entry.manager, KubeFieldManager.display(path)))
                }
            }
            if !conflicts.isEmpty { throw .applyConflict(type, name, conflicts: conflicts) }
        }
        var merged = old
        let previous = entries.first { $0.manager == manager && $0.operation == "Apply" }?.fields ?? []
        let ownedElsewhere = entries.filter { $0.manager != manager }.reduce(into: Set<KubeFieldManager.FieldPath>()) { $0.formUnion($1.fields) }
        for path in previous.subtracting(appliedFields).subtracting(ownedElsewhere) {
            merged = KubeFieldManager.removing(merged, path[...])
        }
        applied.set("metadata.resourceVersion", nil)
        merged = try KubePatch.strategicMerge(merged, applied)
        let time = now
        for index in entries.indices where entries[index].manager != manager {
            if force { entries[index].fields.subtract(appliedFields) }
        }
        entries.removeAll { $0.manager == manager && $0.operation == "Apply" }
        entries.append(.init(manager: manager, operation: "Apply", apiVersion: type.groupVersion, time: time,
                             subresource: subresource, fields: appliedFields))
        KubeFieldManager.store(entries, in: &merged)
        return (try replace(type, key: key, old: old, new: &merged, subresource: subresource, manager: nil, operation: "Apply"), false)
    }

    /// Stores `new` in place of `old`: identity and bookkeeping kept from `old`; through `/status` only the status
    /// changes, otherwise the status is kept for kinds with a status subresource; generation counts spec changes.
    private func replace(_ type: KubeResourceType, key: KubeObjectKey, old: JSONValue, new: inout JSONValue,
                         subresource: String?, manager: String?, operation: String) throws(KubeStatusError) -> JSONValue {
        if subresource == "status" {
            var updated = old
            updated["status"] = new["status"]
            new = updated
        } else if type.hasStatus {
            new["status"] = old["status"]
        }
        for field in ["uid", "creationTimestamp", "namespace", "name"] { new.set("metadata.\(field)", old.at("metadata.\(field)")) }
        if type.tracksGeneration {
            let generation = old.at("metadata.generation")?.int ?? 1
            new.set("metadata.generation", .int(new["spec"] != old["spec"] ? generation + 1 : generation))
        }
        new = KubeDefaults.applyUpdate(new, type: type)
        try KubeValidation.validate(type, new)
        if let manager { new = recordOwnership(new, old: old, manager: manager, operation: operation, type: type, subresource: subresource) }
        var comparableOld = old, comparableNew = new
        comparableOld.set("metadata.managedFields", nil); comparableNew.set("metadata.managedFields", nil)
        comparableOld.set("metadata.resourceVersion", nil); comparableNew.set("metadata.resourceVersion", nil)
        if comparableOld == comparableNew, old.at("metadata.managedFields") == new.at("metadata.managedFields") {
            return old // a no-op write keeps the resourceVersion, as the real server does
        }
        commit(type, key, new)
        reconcile()
        return objects[key] ?? new
    }

    /// Gives `manager` the fields this write changed and takes them from everybody else (an Update operation).
    private func recordOwnership(_ object: JSONValue, old: JSONValue?, manager: String, operation: String,
                                 type: KubeResourceType, subresource: String? = nil) -> JSONValue {
        var object = object
        let status = subresource == "status"
        var changed = KubeFieldManager.fields(of: object, status: status)
        if let old {
            changed = changed.filter { KubeFieldManager.value(old, $0) != KubeFieldManager.value(object, $0) }
        }
        var entries = old.map(KubeFieldManager.entries(of:)) ?? []
        for index in entries.indices where entries[index].manager != manager { entries[index].fields.subtract(changed) }
        if let index = entries.firstIndex(where: { $0.manager == manager && $0.operation == operation && $0.subresource == subresource }) {
            entries[index].fields.formUnion(changed)
            entries[index].time = now
        } else if !changed.isEmpty {
            entries.append(.init(manager: manager, operation: operation, apiVersion: type.groupVersion, time: now,
                                 subresource: subresource, fields: changed))
        }
        KubeFieldManager.store(entries, in: &object)
        return object
    }

    /// Deletes one object and its dependents (`ownerReferences`), or orphans them with `propagationPolicy=Orphan`;
    /// answers the object as it was, so kubectl can wait on its uid (§A.4 `delete -f`).
    func delete(_ type: KubeResourceType, namespace: String?, name: String, propagation: String) throws(KubeStatusError) -> JSONValue {
        let key = KubeObjectKey(type, namespace: namespace, name: name)
        guard let old = objects[key] else { throw .notFound(type, name) }
        commit(type, key, nil)
        let uid = old.uid
        for (dependentKey, dependent) in objects.sorted(by: { $0.key < $1.key }) where dependent.ownerUIDs.contains(uid) {
            guard let dependentType = KubeCatalog.all.first(where: { $0.qualifiedName == dependentKey.resource }) else { continue }
            if propagation == "Orphan" {
                var orphan = dependent
                let kept = (dependent.at("metadata.ownerReferences")?.array ?? []).filter { $0["uid"]?.string != uid }
                orphan.set("metadata.ownerReferences", kept.isEmpty ? nil : .array(kept))
                commit(dependentType, dependentKey, orphan)
            } else {
                _ = try? delete(dependentType, namespace: dependentKey.namespace, name: dependentKey.name, propagation: propagation)
            }
        }
        if type == KubeCatalog.namespaces {
            for (contentKey, _) in objects where contentKey.namespace == name {
                guard let contentType = KubeCatalog.all.first(where: { $0.qualifiedName == contentKey.resource }), contentType.namespaced else { continue }
                _ = try? delete(contentType, namespace: name, name: contentKey.name, propagation: "Background")
            }
        }
        reconcile()
        var answer = old
        answer.set("metadata.deletionTimestamp", .string(now))
        return answer
    }

    /// The body's kind, apiVersion and namespace checked against the path; the namespace filled from the path.
    private func checkIdentity(_ type: KubeResourceType, namespace: String?, body: JSONValue) throws(KubeStatusError) -> JSONValue {
        guard body.object != nil else { throw .badRequest("the request body must be a JSON object") }
        var object = body
        if let kind = body["kind"]?.string, kind != type.kind {
            throw .badRequest("the API version in the data (\(body["apiVersion"]?.string ?? "")) does not match the expected API version (\(type.groupVersion))")
        }
        if let apiVersion = body["apiVersion"]?.string, apiVersion != type.groupVersion {
            throw .badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(type.groupVersion))")
        }
        object["kind"] = .string(type.kind)
        object["apiVersion"] = .string(type.groupVersion)
        if type.namespaced {
            let sent = body.metadataNamespace
            if let namespace, !sent.isEmpty, sent != namespace {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let effective = namespace ?? (sent.isEmpty ? nil : sent) else {
                throw .badRequest("a namespace is required to create \(type.qualifiedName)")
            }
            object.set("metadata.namespace", .string(effective))
        } else {
            object.set("metadata.namespace", nil)
        }
        return object
    }
}
