import DroverEngine

/// Remediations for the error codes Rancher answers with (norman `httperror/error.go` and Kubernetes reasons passed
/// through by Steve; rancher-api.md §6.2).
public enum RancherErrors {
    /// `error` with a Rancher-specific remediation when its code has one; `pinned` tells whether TLS trusted only the
    /// resource's `caCertificate`.
    public static func refine(_ error: CodedError, pinned: Bool = false) -> CodedError {
        var refined = error
        switch error.code {
        case "TLSFailed" where pinned:
            refined.remediation = "Rancher's certificate is not issued by the pinned CA (the resource's caCertificate): check that "
                + "Rancher serves the certificate Drover issued (secret tls-rancher-ingress); Drover never skips verification"
        case "Unauthorized":
            refined.remediation = "Rancher refused the token or password; run again to log in anew, or check the admin password"
        case "PermissionDenied", "Forbidden":
            refined.remediation = "the Rancher user behind Drover's token lacks this permission; use the admin account"
        case "NotUnique", "AlreadyExists":
            refined.remediation = "an object of this name exists in Rancher; Drover looks it up by name, so run again"
        case "ClusterUnavailable":
            refined.remediation = "the downstream cluster's agent is not connected yet; run again once it is"
        case "InvalidBodyContent", "MissingRequired", "InvalidOption", "InvalidFormat":
            refined.remediation = "Rancher rejected a field" + (error.message.isEmpty ? "" : " (see the message)") + "; this Rancher version may not accept it"
        default: break
        }
        return refined
    }
}
