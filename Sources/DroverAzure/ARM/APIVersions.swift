/// The api-versions Drover sends: those whose official definitions are in `reference/openapi/` (azure-api.md, the
/// decision at the top of "api-versions").
public enum APIVersions {
    /// Microsoft.Resources (resource groups).
    public static let resources = "2021-04-01"
    /// Microsoft.Network (NSG, VNet, public IP, NIC, load balancer, CheckDnsNameAvailability).
    public static let network = "2024-03-01"
    /// Microsoft.Compute (virtual machines, extensions).
    public static let compute = "2024-07-01"
    /// Microsoft.Authorization (role assignments).
    public static let authorization = "2022-04-01"
}
