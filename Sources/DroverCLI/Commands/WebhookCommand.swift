import ArgumentParser
import DroverEngine
import DroverPlacement
import DroverPlacementNet
import Foundation

/// `drover webhook`: the default-OS admission webhook.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Serve, install and certify the mutating admission webhook that places workloads.",
        subcommands: [WebhookServeCommand.self, WebhookManifestCommand.self, WebhookCertificatesCommand.self])
}

/// `drover webhook serve`.
struct WebhookServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer AdmissionReview v1 on POST /mutate over HTTPS with a JSONPatch placing the workload.",
        discussion: "Without --cert/--key it issues a development CA and certificate and writes the CA to --dev-ca-out for the caBundle.")

    @Option(help: "The serving certificate chain (PEM).") var cert: String?
    @Option(help: "The serving certificate's private key (PEM).") var key: String?
    @Option(name: .customLong("dev-ca-out"), help: "Where the generated development CA is written when no --cert is given.") var devCAOut = "drover-webhook-ca.pem"
    @Option(help: "The address to bind.") var host = "0.0.0.0"
    @Option(help: "The port to bind.") var port = 8443
    @Option(name: .customLong("max-body-bytes"), help: "Larger reviews are refused with status 413.") var maxBodyBytes = 3 * 1024 * 1024
    @OptionGroup var placement: PlacementFlags
    @Option(help: "A kubeconfig: read the cluster's nodes at start for their OS taints and the preferred OS.") var cluster: String?
    @OptionGroup var clusterFlags: ClusterFlags

    func run() async throws {
        let identity: ServingIdentity
        switch (cert, key) {
        case let (cert?, key?):
            identity = try ServingIdentity(certificateFile: cert, keyFile: key)
        case (nil, nil):
            let issued = try DevelopmentCertificates(dnsNames: ["localhost"])
            FileManager.default.createFile(atPath: devCAOut, contents: Data(issued.caPEM.utf8), attributes: [.posixPermissions: 0o644])
            Console.err("Development CA written to \(devCAOut); clients must pin it.")
            identity = issued.serving
        default:
            throw CodedError(code: "IncompleteTLS", message: "--cert and --key go together", remediation: "pass both, or neither for a development certificate")
        }
        var options = try placement.options()
        if let cluster { options = try await ClusterAccess.options(options, kubeconfig: cluster, flags: clusterFlags) }
        let reviewer = AdmissionReviewer(placer: WorkloadPlacer(options: options), maxBodyBytes: maxBodyBytes)
        try await WebhookServer(reviewer: reviewer, identity: identity, host: host, port: port).run(handlesSignals: true) { port in
            Console.err("Serving AdmissionReview v1 on https://\(host):\(port)/mutate")
        }
    }
}

/// `drover webhook manifest`.
struct WebhookManifestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Print the MutatingWebhookConfiguration, Service and Deployment that install the webhook.",
        discussion: "The serving certificate and key go in a kubernetes.io/tls Secret you create (never printed here).")

    @Option(help: "The image holding the drover binary.") var image: String
    @Option(name: .customLong("ca-file"), help: "The CA (PEM) that signed the serving certificate; it fills caBundle.") var caFile: String
    @Option(help: "The name of the configuration, Service and Deployment.") var name = "drover-placement"
    @Option(help: "The namespace the webhook runs in.") var namespace = "drover-system"
    @Option(name: .customLong("tls-secret"), help: "The Secret holding tls.crt and tls.key (default NAME-tls).") var tlsSecret: String?
    @OptionGroup var placement: PlacementFlags

    func run() async throws {
        let ca = try String(contentsOfFile: caFile, encoding: .utf8)
        let manifest = try CodedPlacementError.wrap {
            try WebhookManifest(name: name, namespace: namespace, image: image, caPEM: ca, tlsSecret: tlsSecret, options: try placement.options())
        }
        Console.out(try manifest.rendered(), terminator: "")
    }
}

/// `drover webhook certificates`.
struct WebhookCertificatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificates",
        abstract: "Issue a development CA and a serving certificate for the webhook's Service names.")

    @Option(help: "The folder to write ca.pem, tls.crt and tls.key (0600) into.") var out = "drover-webhook-tls"
    @Option(help: "The webhook's name.") var name = "drover-placement"
    @Option(help: "The webhook's namespace.") var namespace = "drover-system"

    func run() async throws {
        let issued = try DevelopmentCertificates(dnsNames: DevelopmentCertificates.serviceNames(name: name, namespace: namespace))
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for (file, text, mode) in [("ca.pem", issued.caPEM, 0o644), ("tls.crt", issued.serving.certificateChainPEM, 0o644), ("tls.key", issued.serving.privateKeyPEM, 0o600)] {
            let path = (out as NSString).appendingPathComponent(file)
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
                throw CodedError(code: "WriteFailed", message: "could not write \(path)", remediation: "check that \(out) is writable")
            }
        }
        Console.out("Wrote \(out)/ca.pem, tls.crt and tls.key (0600). Create the Secret with:\n  kubectl -n \(namespace) create secret tls \(name)-tls --cert \(out)/tls.crt --key \(out)/tls.key")
    }
}
