import DroverEngine
import DroverHTTP
import Foundation

extension KubeClient {
    /// Watches objects of `kind` from `resourceVersion` (a list's, or nil for "now"), as a stream of changes.
    ///
    /// Follows kube-and-rancher-wire.md §A.7: `watch=true` with `allowWatchBookmarks=true` and `timeoutSeconds`;
    /// bookmarks only advance the resource version; when the server ends the stream the watch resumes from the last
    /// version seen; when that version has expired (an `ERROR` event or a response with status 410 `Expired`) it lists
    /// again and replays the objects as `added` events marked `fromRelist`. Ends when the consumer stops iterating.
    /// Other errors end the stream with a `CodedError`.
    public func watch(
        apiVersion: String, kind: String, namespace: String? = nil, selector: KubeSelector = KubeSelector(),
        resourceVersion: String? = nil, timeoutSeconds: Int = 300
    ) -> AsyncThrowingStream<WatchEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var version = resourceVersion
                    while !Task.isCancelled {
                        do {
                            version = try await watchOnce(
                                apiVersion: apiVersion, kind: kind, namespace: namespace, selector: selector, from: version,
                                timeoutSeconds: timeoutSeconds, emit: { continuation.yield($0) })
                        } catch let error as CodedError where error.status == 410 || error.code == "Expired" || error.code == "Gone" {
                            let fresh = try await list(apiVersion: apiVersion, kind: kind, namespace: namespace, selector: selector)
                            for item in fresh.items { continuation.yield(WatchEvent(kind: .added, object: item, fromRelist: true)) }
                            version = fresh.resourceVersion
                        }
                        // A server that closes at once must not be asked again in a tight loop.
                        try await sleep(0.2)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// One watch request until the server ends it; returns the last resource version seen.
    func watchOnce(
        apiVersion: String, kind: String, namespace: String?, selector: KubeSelector, from version: String?, timeoutSeconds: Int,
        emit: (WatchEvent) -> Void
    ) async throws -> String? {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        var query = Self.selectorQuery(selector) + [
            URLQueryItem(name: "watch", value: "true"), URLQueryItem(name: "allowWatchBookmarks", value: "true"),
            URLQueryItem(name: "timeoutSeconds", value: String(timeoutSeconds)),
        ]
        if let version { query.append(URLQueryItem(name: "resourceVersion", value: version)) }
        let path = resource.collectionPath(namespace: namespace.map { scope(resource, $0) } ?? nil)
        let request = HTTPRequest(method: "GET", url: Self.url(endpoint.requestBase, path, query), headers: Self.headers(endpoint.user.token))
        // The server ends the stream at `timeoutSeconds`; a little more before the transport gives up.
        let response = try await transport.stream(request, timeout: Double(timeoutSeconds) + 30)
        var lines = WatchLineSplitter()
        var last = version
        for try await piece in response.body {
            for line in lines.append(piece) {
                if let newVersion = try Self.handle(line, request: request, apiVersion: apiVersion, kind: kind, emit: emit) { last = newVersion }
            }
        }
        return last
    }

    /// Decodes one watch line, emits it, and returns the resource version it carries.
    /// - Throws: the `Status` of an `ERROR` event as a `CodedError`.
    static func handle(_ line: Data, request: HTTPRequest, apiVersion: String, kind: String, emit: (WatchEvent) -> Void) throws -> String? {
        guard let event = try? JSONDecoder().decode(Value.self, from: line), let type = event["type"]?.stringValue,
              let object = event["object"] else {
            throw CodedError(code: "InvalidResponse", message: "a watch line is not a {type, object} event: \(String(decoding: line.prefix(200), as: UTF8.self))",
                             remediation: "this is a bug in the API server or a proxy between it and Drover")
        }
        switch type {
        case "BOOKMARK":
            return object.resourceVersion
        case "ERROR":
            throw KubeStatus.error(object, request: request)
        default:
            guard let kind_ = WatchEvent.Kind(rawValue: type) else { return nil }
            emit(WatchEvent(kind: kind_, object: typed(object, apiVersion: apiVersion, kind: kind)))
            return object.resourceVersion
        }
    }
}

/// Cuts a byte stream into newline-terminated lines (one JSON event per line, §A.7), keeping partial lines.
struct WatchLineSplitter {
    private var pending = Data()

    /// The complete, non-empty lines `piece` finishes.
    mutating func append(_ piece: Data) -> [Data] {
        pending.append(piece)
        var lines: [Data] = []
        while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[pending.startIndex..<end]
            if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { lines.append(Data(line)) }
            pending = Data(pending[pending.index(after: end)...])
        }
        return lines
    }
}
