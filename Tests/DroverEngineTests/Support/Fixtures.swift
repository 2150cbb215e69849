import DroverEngine
import DroverTestSupport
import Foundation

/// Builders for the engine tests' small graphs of `fake.thing` resources, served by `RecordingHandler`.
func thing(_ name: String, _ inputs: [String: Value] = [:], dependsOn: Set<ResourceAddress> = []) -> DesiredResource {
    var all = inputs
    all["name"] = all["name"] ?? .string(name)
    return DesiredResource(ResourceAddress(type: "fake.thing", name: name), inputs: all, dependsOn: dependsOn)
}

func address(_ name: String) -> ResourceAddress { ResourceAddress(type: "fake.thing", name: name) }

func ref(_ name: String, _ path: String = "id") -> Value { .reference(OutputReference(address(name), path)) }

func makeEngine(
    _ cloud: RecordingCloud, store: any StateStore, events: EventRecorder = EventRecorder(), parallelism: Int = 4,
    clock: ManualClock = ManualClock()
) -> Engine {
    var registry = ProviderRegistry()
    registry.register(RecordingHandler(cloud: cloud))
    return Engine(registry: registry, store: store, parallelism: parallelism, clock: clock, sink: events.sink)
}

