@testable import DroverPlacement
import Testing

/// Image reference → OS and Windows build, without a registry.
@Suite struct ImageClassifierTests {
    static let cases: [(image: String, os: OperatingSystem?, build: Int?)] = [
        ("mcr.microsoft.com/windows/servercore:ltsc2019", .windows, 17763),
        ("mcr.microsoft.com/windows/servercore:1809", .windows, 17763),
        ("mcr.microsoft.com/windows/nanoserver:1809-amd64", .windows, 17763),
        ("mcr.microsoft.com/windows/servercore:10.0.17763.5458", .windows, 17763),
        ("mcr.microsoft.com/windows/servercore:ltsc2022", .windows, 20348),
        ("mcr.microsoft.com/windows/nanoserver:ltsc2022-amd64", .windows, 20348),
        ("mcr.microsoft.com/windows/server:10.0.20348.2227", .windows, 20348),
        ("mcr.microsoft.com/windows/servercore:ltsc2025", .windows, 26100),
        ("mcr.microsoft.com/windows:1809", .windows, 17763),
        ("mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022", .windows, 20348),
        ("mcr.microsoft.com/windows/servercore", .windows, nil),
        ("mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019", .windows, 17763),
        ("mcr.microsoft.com/dotnet/framework/runtime:4.8.1", .windows, nil),
        ("mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022", .windows, 20348),
        ("mcr.microsoft.com/powershell:lts-windowsserver-ltsc2022", .windows, 20348),
        ("golang:1.22-windowsservercore-1809", .windows, 17763),
        ("python:3.12-windowsservercore-ltsc2016", .windows, 14393),
        ("microsoft/nanoserver:sac2016", .windows, 14393),
        ("mcr.microsoft.com/windows/servercore@sha256:0123456789abcdef", .windows, nil),
        ("nginx:1.25-alpine", .linux, nil),
        ("python:3.12-slim-bookworm", .linux, nil),
        ("node:20-alpine3.19", .linux, nil),
        ("busybox", .linux, nil),
        ("ubuntu:22.04", .linux, nil),
        ("registry.example.com:5000/team/app:1.0-jammy", .linux, nil),
        ("golang:1.22", nil, nil),
        ("nginx", nil, nil),
        ("mcr.microsoft.com/dotnet/aspnet:8.0", nil, nil),
        ("registry.k8s.io/pause:3.9", nil, nil),
        ("example.com/app:1809", nil, nil),
    ]

    @Test(arguments: cases)
    func classifies(_ image: String, _ os: OperatingSystem?, _ build: Int?) {
        switch ImageClassifier.verdict(for: ImageReference(image)) {
        case let .requires(found, foundBuild, _):
            #expect(found == os, "\(image)")
            #expect(foundBuild?.number == build, "\(image)")
        case .multiOS, .unknown:
            #expect(os == nil, "\(image) should need \(os?.rawValue ?? "")")
            #expect(build == nil)
        }
    }

    static let references: [(text: String, registry: String, repository: String, tag: String?, digest: String?)] = [
        ("nginx", "docker.io", "library/nginx", nil, nil),
        ("bitnami/redis:7", "docker.io", "bitnami/redis", "7", nil),
        ("localhost:5000/app:v1", "localhost:5000", "app", "v1", nil),
        ("localhost/app", "localhost", "app", nil, nil),
        ("127.0.0.1:5000/a/b:c@sha256:ab", "127.0.0.1:5000", "a/b", "c", "sha256:ab"),
        ("mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com", "windows/servercore", "ltsc2022", nil),
    ]

    @Test(arguments: references)
    func parsesReferences(_ text: String, _ registry: String, _ repository: String, _ tag: String?, _ digest: String?) {
        let reference = ImageReference(text)
        #expect(reference.registry == registry)
        #expect(reference.repository == repository)
        #expect(reference.tag == tag)
        #expect(reference.digest == digest)
    }

    @Test func registryPlatformsDecideOSAndBuild() {
        let linux = ImagePlatform(os: "linux", architecture: "amd64")
        let ws2019 = ImagePlatform(os: "windows", architecture: "amd64", osVersion: "10.0.17763.5458")
        let ws2022 = ImagePlatform(os: "windows", architecture: "amd64", osVersion: "10.0.20348.2227")
        let unknown = ImagePlatform(os: "unknown", architecture: "unknown")
        #expect(ImagePlatform.verdict([linux, unknown], image: "a") == .requires(.linux, build: nil, reason: "registry lists linux/amd64 for a"))
        guard case .requires(.windows, let build, _) = ImagePlatform.verdict([ws2022], image: "a") else { Issue.record("not windows"); return }
        #expect(build == WindowsBuild(20348))
        guard case .requires(.windows, nil, _) = ImagePlatform.verdict([ws2019, ws2022], image: "a") else { Issue.record("a multi-build image names no build"); return }
        guard case .multiOS = ImagePlatform.verdict([linux, ws2019, ws2022], image: "a") else { Issue.record("multi-OS image decided"); return }
        #expect(ImagePlatform.verdict([unknown], image: "a") == .unknown)
    }

    @Test(arguments: [
        (#"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push""#,
         "bearer", ["realm": "https://auth.example.com/token", "service": "registry.example.com", "scope": "repository:a/b:pull,push"]),
        (#"Basic realm="Registry Realm""#, "basic", ["realm": "Registry Realm"]),
        (#"Bearer realm=https://x/t, service=x"#, "bearer", ["realm": "https://x/t", "service": "x"]),
    ])
    func parsesChallenges(_ header: String, _ scheme: String, _ parameters: [String: String]) throws {
        let challenge = try #require(AuthChallenge(header))
        #expect(challenge.scheme == scheme)
        #expect(challenge.parameters == parameters)
    }
}
