import DroverBlueprint
import DroverCLI
import DroverEngine
import DroverTestSupport
import Foundation

/// The registration token the fake Rancher of ``fakeCloudEngine(_:)`` hands out.
let fakeRegistrationToken = "fake-registration-token-0123456789"

/// Every type of `drover`'s registry, answered by the recording fake but keeping the real handler's facts; the
/// local artifact handlers are the real ones (they only render), behind a registration token Rancher would give.
func fakeCloudEngine(_ spec: ClusterSpec = .defaults(for: .current)) -> Engine {
    let real = CompositionRoot.registry(.forState(at: FileManager.default.temporaryDirectory.appendingPathComponent("unused").path))
    let cloud = RecordingCloud(extraOutputs: [
        "value", "name", "subnetId", "backendPoolId", "token", "linuxCommand", "windowsCommand", "appId", "secret", "ipAddress",
        "fqdn", "principalId", "kubeconfigPath", "caChecksum", "clusterId", "path",
    ])
    var registry = ProviderRegistry()
    for type in real.types {
        let facts = real.handler(for: type)!
        registry.register(
            RecordingHandler(
                cloud: cloud, type: type, kind: facts.kind, replaceTriggers: facts.replaceTriggers,
                createBeforeDestroy: facts.createBeforeDestroy, sensitiveInputs: facts.sensitiveInputs,
                sensitiveOutputs: facts.sensitiveOutputs))
    }
    registry.register(NodeArtifactHandler(holdsSecrets: false))
    registry.register(NodeArtifactHandler(holdsSecrets: true))
    registry.register(FakeRegistrationToken(spec: spec, token: fakeRegistrationToken))
    registry.register(FakeRegistrationToken(spec: spec, token: fakeRegistrationToken, type: "rancher.windows_registration"))
    return Engine(registry: registry, store: InMemoryStateStore(), clock: ManualClock())
}
