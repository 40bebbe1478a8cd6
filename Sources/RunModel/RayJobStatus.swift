/// A RayJob's `status` as KubeRay v1.7.0 writes it.
public struct RayJobStatus: Equatable, Sendable, Codable {
    /// Ray's job status: PENDING, RUNNING, STOPPED, SUCCEEDED, FAILED (empty until submitted).
    public var jobStatus: String
    /// KubeRay's: Initializing, Running, Complete, Failed, Suspending, Suspended, Retrying, Waiting.
    public var jobDeploymentStatus: String
    public var reason: String?
    public var message: String?
    public var rayClusterName: String?

    public init(jobStatus: String = "", jobDeploymentStatus: String = "", reason: String? = nil, message: String? = nil,
                rayClusterName: String? = nil) {
        self.jobStatus = jobStatus
        self.jobDeploymentStatus = jobDeploymentStatus
        self.reason = reason
        self.message = message
        self.rayClusterName = rayClusterName
    }

    enum CodingKeys: String, CodingKey { case jobStatus, jobDeploymentStatus, reason, message, rayClusterName }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jobStatus = try container.decodeIfPresent(String.self, forKey: .jobStatus) ?? ""
        jobDeploymentStatus = try container.decodeIfPresent(String.self, forKey: .jobDeploymentStatus) ?? ""
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        rayClusterName = try container.decodeIfPresent(String.self, forKey: .rayClusterName)
    }

    /// How the job ended, once KubeRay says it has: the deployment status settles after Ray's.
    public var outcome: SubmitResult? {
        switch jobDeploymentStatus {
        case "Complete": return jobStatus == "SUCCEEDED" ? .succeeded : .failed(reason: reason ?? jobStatus, message: message ?? "")
        case "Failed": return .failed(reason: reason ?? "Failed", message: message ?? "")
        default: return nil
        }
    }
}
