import Foundation
import SetupPlan

/// Names the plan creates or reuses: the cluster and the bucket.
extension Preflight {
    static let clusterNameCheck: @Sendable (PreflightFacts) -> Check? = { f in
        let a = f.answers, name = a.cluster.name, location = a.clusterLocation
        guard let result = f.results[ReadID.cluster] else { return nil }
        switch a.cluster.mode {
        case .createStandard, .createAutopilot:
            let title = "Cluster name \(name) in \(location)"
            if result.notFound {
                return Check(id: .clusterName, title: title, status: .ok, evidence: ["no cluster \(name) in \(location) of \(a.project)"])
            }
            guard result.succeeded, let cluster = f.json(ReadID.cluster), cluster["name"].string != nil else {
                return f.unreadable(.clusterName, title, read: ReadID.cluster, why: result.succeeded ? "the answer is not a cluster" : nil)
            }
            let status = cluster["status"].string ?? "status unknown"
            return Check(id: .clusterName, title: title, status: .broken,
                         evidence: ["a cluster \(name) already exists in \(location) (\(status))"],
                         advice: "Choose another name (--set cluster.name=\(name)-2), or set it up as it is: "
                            + "--set cluster.mode=\(ClusterMode.existing.rawValue) --set cluster.location=\(location)")
        case .existing:
            let kind = a.cluster.autopilot ? "Autopilot" : "Standard"
            let title = "Existing \(kind) cluster \(name) in \(location)"
            if result.notFound {
                return Check(id: .clusterName, title: title, status: .broken, evidence: ["no cluster \(name) in \(location) of \(a.project)"],
                             advice: "Check cluster.name and cluster.location, or let the run create it: "
                                + "--set cluster.mode=\(ClusterMode.createStandard.rawValue)")
            }
            guard result.succeeded, let cluster = f.json(ReadID.cluster), cluster["name"].string != nil else {
                return f.unreadable(.clusterName, title, read: ReadID.cluster, why: result.succeeded ? "the answer is not a cluster" : nil)
            }
            let autopilot = cluster.path("autopilot.enabled").bool ?? false
            let status = cluster["status"].string ?? "status unknown"
            if autopilot != a.cluster.autopilot {
                return Check(id: .clusterName, title: title, status: .broken,
                             evidence: ["\(name) is \(autopilot ? "Autopilot" : "Standard") (\(status))"],
                             advice: "Answer what it is: --set cluster.autopilot=\(autopilot)")
            }
            return Check(id: .clusterName, title: title, status: status == "RUNNING" ? .ok : .warning,
                         evidence: ["\(name) is \(kind) (\(status))"])
        }
    }

    static let bucketNameCheck: @Sendable (PreflightFacts) -> Check? = { f in
        let a = f.answers, url = "gs://\(a.bucket.name)"
        guard let result = f.results[ReadID.bucket] else { return nil }
        let suggestion = suggestedBucket(a)
        if a.bucket.create {
            let title = "Bucket name \(url)"
            if result.forbidden {
                return Check(id: .bucketName, title: title, status: .broken,
                             evidence: ["another project owns \(url): reading it is refused (403)"],
                             advice: "Bucket names are global: choose another, e.g. --set bucket.name=\(suggestion)")
            }
            if result.notFound {
                return Check(id: .bucketName, title: title, status: .ok, evidence: ["no bucket \(url) exists"])
            }
            guard result.succeeded, f.json(ReadID.bucket)?["name"].string != nil else {
                return f.unreadable(.bucketName, title, read: ReadID.bucket, why: result.succeeded ? "the answer is not a bucket" : nil)
            }
            return Check(id: .bucketName, title: title, status: .ok,
                         evidence: ["\(url) exists and you can read it: the create step finds it and uses it"])
        }
        let title = "Existing bucket \(url)"
        if result.forbidden {
            return Check(id: .bucketName, title: title, status: .broken,
                         evidence: ["reading \(url) is refused (403): another project owns it"],
                         advice: "Use a bucket you own, or create one: --set bucket.create=true --set bucket.name=\(suggestion)")
        }
        if result.notFound {
            return Check(id: .bucketName, title: title, status: .broken, evidence: ["no bucket \(url) exists"],
                         advice: "Let the run create it: --set bucket.create=true")
        }
        guard result.succeeded, f.json(ReadID.bucket)?["name"].string != nil else {
            return f.unreadable(.bucketName, title, read: ReadID.bucket, why: result.succeeded ? "the answer is not a bucket" : nil)
        }
        return Check(id: .bucketName, title: title, status: .ok, evidence: ["\(url) exists and you can read it"])
    }

    /// Another bucket name, likely free: the project's ID in front (names are global, project IDs unique), within the
    /// 63 characters a name may have.
    static func suggestedBucket(_ a: Answers) -> String {
        let name = a.bucket.name.hasPrefix(a.project) ? "\(a.bucket.name)-2" : "\(a.project)-\(a.bucket.name)"
        return String(name.prefix(63)).trimmingCharacters(in: CharacterSet(charactersIn: "-_."))
    }
}
