@testable import DroverCLI
import DroverBlueprint
import DroverEngine
import DroverTestSupport
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing

/// `drover timeline`: bars, waits, the critical path and stage totals from a run record, and the recorder that
/// writes the record while a run goes.
@Suite struct TimelineTests {
    static let vnet = "azure.virtual_network/k8s", group = "azure.resource_group/k8s", nic = "azure.network_interface/k8s/win-0-vm"
    static let vm = "azure.virtual_machine/k8s/win-0-vm", app = "graph.application/drover-hybrid"

    /// A small apply: the group, then the VNet and the application side by side, then a NIC and a Windows VM that
    /// waits most of its time.
    static func record(command: String = "apply") -> RunRecord {
        func line(_ t: Double, _ kind: EngineEvent.Kind, _ address: String, elapsed: Double? = nil) -> RunRecord.Line {
            RunRecord.Line(t: t, event: EngineEvent(kind, address: ResourceAddress(parsing: address), operation: "create", elapsedSeconds: elapsed))
        }
        let header = RunRecord.Header(command: command, startedAt: "2026-11-28T10:00:00Z", resources: [
            .init(address: group, stage: 1, dependsOn: []),
            .init(address: vnet, stage: 1, dependsOn: [group]),
            .init(address: app, stage: 5, dependsOn: []),
            .init(address: nic, stage: 7, dependsOn: [vnet]),
            .init(address: vm, stage: 7, dependsOn: [nic]),
        ])
        return RunRecord(header: header, lines: [
            line(0, .started, group), line(0, .started, app), line(2, .succeeded, group),
            line(2, .started, vnet), line(8, .waited, vnet, elapsed: 5), line(9, .succeeded, vnet),
            line(9, .started, nic), line(10, .succeeded, app), line(15, .succeeded, nic),
            line(15, .started, vm), line(310, .waited, vm, elapsed: 290), line(315, .succeeded, vm),
        ])
    }

    @Test func theCriticalPathFollowsWhatEachStepWaitedFor() {
        let timeline = Timeline(Self.record())
        #expect(timeline.makespan == 315)
        #expect(timeline.criticalPath == [Self.group, Self.vnet, Self.nic, Self.vm])
        #expect(timeline.bars.filter(\.critical).map(\.address).sorted() == [Self.group, Self.vnet, Self.nic, Self.vm].sorted())
        let vm = timeline.bars.first { $0.address == Self.vm }
        #expect(vm?.waits == [Timeline.Span(start: 20, end: 310)])
        #expect(vm?.waiting == 290)
    }

    @Test func stagesSplitWaitingFromWorking() {
        let stages = Timeline(Self.record()).stages
        #expect(stages.map(\.stage) == [1, 5, 7])
        let join = stages.first { $0.stage == 7 }
        #expect(join?.title == "nodes join")
        #expect(join?.waiting == 290)
        #expect(join?.working == 16.0)
        #expect(stages.first?.working == 4.0)
    }

    @Test func aDestroyFollowsDependentsBackwards() {
        var record = Self.record(command: "destroy")
        // Deleting runs dependents first: the VM, then the NIC, the VNet and the group.
        record.lines = [
            .init(t: 0, event: EngineEvent(.started, address: ResourceAddress(parsing: Self.vm), operation: "delete")),
            .init(t: 40, event: EngineEvent(.succeeded, address: ResourceAddress(parsing: Self.vm), operation: "delete")),
            .init(t: 40, event: EngineEvent(.started, address: ResourceAddress(parsing: Self.nic), operation: "delete")),
            .init(t: 46, event: EngineEvent(.succeeded, address: ResourceAddress(parsing: Self.nic), operation: "delete")),
            .init(t: 46, event: EngineEvent(.started, address: ResourceAddress(parsing: Self.vnet), operation: "delete")),
            .init(t: 52, event: EngineEvent(.succeeded, address: ResourceAddress(parsing: Self.vnet), operation: "delete")),
        ]
        #expect(Timeline(record).criticalPath == [Self.vm, Self.nic, Self.vnet])
    }

    @Test func anOperationTheRecordDoesNotSeeEndIsShownRunningToTheLastEvent() {
        var record = Self.record()
        record.lines.removeLast()
        let vm = Timeline(record).bars.first { $0.address == Self.vm }
        #expect(vm?.outcome == "running")
        #expect(vm?.end == 310)
    }

    @Test func textAndChartMatchTheirGoldenFiles() throws {
        let timeline = Timeline(Self.record())
        try assertSnapshot(TimelineText.render(timeline), named: "timeline.txt")
        let svg = TimelineSVG.render(timeline)
        try assertSnapshot(svg, named: "timeline.svg")
        #expect(XMLParser(data: Data(svg.utf8)).parse(), "the chart is well-formed XML")
        // Four critical bars outlined, one hatched wait per waiting bar.
        #expect(svg.components(separatedBy: "class=\"bar critical\"").count - 1 == 4)
        #expect(svg.components(separatedBy: "class=\"wait\"").count - 1 == 2)
    }

    @Test func theRecorderWritesWhatTheEngineDidAndSurvivesATornLastLine() async throws {
        let directory = try temporaryDirectory()
        let clock = ManualClock()
        let configuration = Configuration([DesiredResource(ResourceAddress(type: "fake.thing", name: "app"), inputs: ["seconds": 30])])
        let recorder = try #require(RunRecorder(directory: directory, command: "apply", configuration: configuration, clock: clock))
        var registry = ProviderRegistry()
        registry.register(RecordingHandler(cloud: RecordingCloud()))
        let engine = Engine(registry: registry, store: InMemoryStateStore(), clock: clock, sink: recorder.sink(forwardingTo: { _ in }))
        let plan = try await engine.plan(configuration)
        let run = Task { try await engine.apply(plan) }
        await clock.waitForSleepers(2)
        clock.advance(30)
        #expect(try await run.value.succeeded)
        recorder.close()

        let attributes = try FileManager.default.attributesOfItem(atPath: recorder.url.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(RunRecord.latest(in: directory) == recorder.url)
        // A kill in the middle of a write leaves half a line; the rest still reads.
        let handle = try FileHandle(forWritingTo: recorder.url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"type":"event","t":3"#.utf8))
        try handle.close()
        let timeline = Timeline(try RunRecord.read(recorder.url))
        #expect(timeline.bars.map(\.address) == ["fake.thing/app"])
        #expect(timeline.bars.first?.duration == 30)
        #expect(timeline.bars.first?.waiting == 30)
    }

    @Test func aFileThatIsNotARunRecordIsRefusedByName() throws {
        let file = try temporaryDirectory().appendingPathComponent("notes.jsonl")
        try Data("hello\n".utf8).write(to: file)
        #expect {
            _ = try RunRecord.read(file)
        } throws: { error in
            (error as? CodedError)?.code == "RunRecordUnreadable" && (error as? CodedError)?.message.contains("notes.jsonl:1") == true
        }
    }
}
