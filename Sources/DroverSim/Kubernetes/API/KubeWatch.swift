import Foundation

/// One change as a watch streams it (kube-and-rancher-wire.md §A.7).
struct KubeWatchEvent: Sendable {
    let type: KubeResourceType
    let revision: Int64
    let old: JSONValue?
    let new: JSONValue?
    let deleted: JSONValue?
}

/// An open watch: what it selects, until when it runs (`timeoutSeconds` on the simulator clock), and its stream.
struct KubeWatcher: Sendable {
    let type: KubeResourceType
    let namespace: String?
    let labels: LabelSelector
    let fields: FieldSelector
    let deadline: Date?
    let bookmarks: Bool
    /// Whether the client asked for Table objects (`kubectl get -w`, §A.5): each event then carries a one-row Table.
    let table: Bool
    let continuation: AsyncStream<Data>.Continuation

    func selects(_ object: JSONValue?) -> Bool {
        guard let object else { return false }
        if let namespace, type.namespaced, object.metadataNamespace != namespace { return false }
        return labels.matches(object.labels) && fields.matches(object)
    }

    /// The change as this watch sees it: an object entering the selection is ADDED, leaving it is DELETED (§A.7).
    func change(_ event: KubeWatchEvent) -> (type: String, object: JSONValue)? {
        let before = selects(event.old), after = selects(event.new)
        if let deleted = event.deleted, before { return ("DELETED", deleted) }
        switch (before, after) {
        case (false, true): return ("ADDED", event.new!)
        case (true, true): return ("MODIFIED", event.new!)
        case (true, false):
            var last = event.new!
            last.set("metadata.resourceVersion", .string(String(event.revision)))
            return ("DELETED", last)
        default: return nil
        }
    }

    /// Streams one event, as the object or as its Table row.
    func send(_ type: String, _ object: JSONValue, now: Date) {
        let revision = Int64(object.at("metadata.resourceVersion")?.string ?? "") ?? 0
        continuation.yield(Self.frame(type, table ? KubeTables.table(self.type, [object], revision: revision, now: now) : object))
    }

    /// `{"type":…,"object":…}` and a newline: one JSON object per event.
    static func frame(_ type: String, _ object: JSONValue) -> Data {
        JSONValue.object(["type": .string(type), "object": object]).encoded() + Data("\n".utf8)
    }
}

extension KubernetesCluster {
    /// Opens a watch (`?watch=true`): from `resourceVersion` (history replay), or with ADDED events for what exists
    /// when it is empty or `0`; 410 Expired as an ERROR event when the history no longer reaches back that far.
    func openWatch(_ type: KubeResourceType, namespace: String?, query: [String: String], table: Bool) throws(KubeStatusError) -> SimResponse {
        let labels = try LabelSelector(parsing: query["labelSelector"] ?? "")
        let fields = try FieldSelector(parsing: query["fieldSelector"] ?? "")
        let deadline = query["timeoutSeconds"].flatMap(Double.init).map { clock.now().addingTimeInterval($0) }
        let (stream, continuation) = AsyncStream.makeStream(of: Data.self)
        let watcher = KubeWatcher(type: type, namespace: namespace, labels: labels, fields: fields, deadline: deadline,
                                  bookmarks: query["allowWatchBookmarks"] == "true", table: table, continuation: continuation)
        let since = query["resourceVersion"].flatMap { Int64($0) } ?? 0
        if since == 0 {
            for object in list(type, namespace: namespace) where watcher.selects(object) {
                watcher.send("ADDED", object, now: clock.now())
            }
        } else if since < revision, since < (history.first?.revision ?? revision + 1) - 1 {
            // The history (kept in memory only) no longer reaches back to `since`: the client must list again.
            continuation.yield(KubeWatcher.frame("ERROR", KubeStatusError.expired(String(since)).status))
            continuation.finish()
            return watchResponse(stream)
        } else {
            for event in history where event.revision > since && event.type == type {
                if let change = watcher.change(event) { watcher.send(change.type, change.object, now: clock.now()) }
            }
        }
        let id = UUID()
        watchers[id] = watcher
        continuation.onTermination = { [weak self] _ in
            Task { await self?.closeWatch(id) }
        }
        let ready = watchWaiters.filter { $0.resource == type.qualifiedName }
        watchWaiters.removeAll { $0.resource == type.qualifiedName }
        for waiter in ready { waiter.continuation.resume() }
        return watchResponse(stream)
    }

    private func watchResponse(_ stream: AsyncStream<Data>) -> SimResponse {
        .streamed(200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")], chunks: stream)
    }

    func closeWatch(_ id: UUID) {
        watchers[id] = nil
    }

    /// Records a change and streams it to every watch that selects the object before or after.
    func notify(type: KubeResourceType, old: JSONValue?, new: JSONValue?, deleted: JSONValue?) {
        let event = KubeWatchEvent(type: type, revision: revision, old: old, new: new, deleted: deleted)
        history.append(event)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
        for watcher in watchers.values where watcher.type == type {
            if let change = watcher.change(event) { watcher.send(change.type, change.object, now: clock.now()) }
        }
    }

    /// Ends watches past their `timeoutSeconds`; the others get a BOOKMARK at the current resourceVersion if they
    /// asked for bookmarks.
    func expireWatches() {
        let instant = clock.now()
        for (id, watcher) in watchers {
            if let deadline = watcher.deadline, deadline <= instant {
                watcher.continuation.finish()
                watchers[id] = nil
            } else if watcher.bookmarks {
                let mark: JSONValue = ["kind": .string(watcher.type.kind), "apiVersion": .string(watcher.type.groupVersion),
                                       "metadata": ["resourceVersion": .string(String(revision))]]
                watcher.continuation.yield(KubeWatcher.frame("BOOKMARK", mark))
            }
        }
    }
}
