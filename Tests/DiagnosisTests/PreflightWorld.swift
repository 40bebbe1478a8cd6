import Diagnosis
import Foundation
import SetupPlan

/// A project as gcloud 528 shows it to preflight's reads: each read answered with the JSON (or the error text) the
/// real command prints, built from a few facts a test changes.
struct PreflightWorld {
    var project = "demo-project"
    var account = "tester@example.com"
    var billing: Bool? = true
    var roles = ["roles/owner"]
    /// Regional quotas of the cluster's region as metric -> (limit, usage); nil: the read fails.
    var regional: [String: (Double, Double)]? = PreflightWorld.raisedRegional
    var global: [String: (Double, Double)]? = ["GPUS_ALL_REGIONS": (32, 0), "CPUS_ALL_REGIONS": (480, 0)]
    /// Zones that do not offer a type (accelerator or machine); every zone `a`-`c` of us-west1 and us-central1 offers the rest.
    var missing: [String: Set<String>] = [:]
    /// nil: no cluster of that name; else (status, autopilot).
    var cluster: (status: String, autopilot: Bool)?
    /// The cluster's network fields as JSON members (e.g. `"networkConfig": {...}`); empty: neither is set.
    var clusterNetwork = ""
    enum Bucket { case free, ours, taken }
    var bucket = Bucket.free
    /// Org policy rules by constraint, as `spec.rules`; absent: unset.
    var orgRules: [String: String] = [:]
    /// Reads that fail with this stderr, by a word of their argv (e.g. `regions`, `billing`).
    var failing: [String: String] = [:]
    /// Reads whose stdout is this text instead, by a word of their argv.
    var garbled: [String: String] = [:]

    static let raisedRegional: [String: (Double, Double)] = {
        var q: [String: (Double, Double)] = ["CPUS": (240, 0), "N2_CPUS": (240, 0), "A2_CPUS": (240, 0), "C2_CPUS": (240, 0)]
        for gpu in ["T4", "L4", "A100", "A100_80GB", "H100"] { q["NVIDIA_\(gpu)_GPUS"] = (16, 0) }
        return q
    }()

    /// A new project's quotas: no GPU, 24 vCPUs (the emulator's `new-project` preset).
    mutating func newProject() {
        regional = ["CPUS": (24, 0), "N2_CPUS": (24, 0), "A2_CPUS": (24, 0), "C2_CPUS": (8, 0)]
        for gpu in ["T4", "L4", "A100", "A100_80GB", "H100"] { regional?["NVIDIA_\(gpu)_GPUS"] = (0, 0) }
        global = ["GPUS_ALL_REGIONS": (0, 0), "CPUS_ALL_REGIONS": (32, 0)]
    }

    static let zones = ["us-west1-a", "us-west1-b", "us-west1-c", "us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"]
    static let accelerators = ["nvidia-tesla-t4", "nvidia-l4", "nvidia-tesla-a100", "nvidia-a100-80gb", "nvidia-h100-80gb"]

    func answer(_ read: DoctorRead) -> ReadResult {
        let argv = read.argv
        for (word, stderr) in failing where argv.contains(word) { return ReadResult(exitCode: 1, stdout: "", stderr: stderr) }
        for (word, text) in garbled where argv.contains(word) { return ReadResult(exitCode: 0, stdout: text) }
        let ok = { (text: String) in ReadResult(exitCode: 0, stdout: text) }
        switch Array(argv.dropFirst().prefix(3)) {
        case ["config", "get-value", "account"]:
            return ok(account + "\n")
        case ["billing", "projects", "describe"]:
            guard let billing else { return ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: (gcloud.billing.projects.describe) PERMISSION_DENIED: ...") }
            return ok(#"{"billingAccountName": "\#(billing ? "billingAccounts/0A1B2C-3D4E5F-6A7B8C" : "")", "billingEnabled": \#(billing), "name": "projects/\#(project)/billingInfo", "projectId": "\#(project)"}"#)
        case ["projects", "get-iam-policy", project]:
            let bindings = roles.map { #"{"members": ["user:\#(account)"], "role": "\#($0)"}"# }
                + [#"{"members": ["serviceAccount:123456789012-compute@developer.gserviceaccount.com"], "role": "roles/editor"}"#]
            return ok(#"{"bindings": [\#(bindings.joined(separator: ", "))], "etag": "CAE=", "version": 1}"#)
        case ["container", "clusters", "describe"]:
            guard let cluster else {
                return ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: (gcloud.container.clusters.describe) ResponseError: code=404, message=Not found: projects/\(project)/locations/us-west1-b/clusters/\(argv[4]).\nNo cluster named '\(argv[4])' in \(project).")
            }
            let network = clusterNetwork.isEmpty ? "" : ", " + clusterNetwork
            return ok(#"{"name": "\#(argv[4])", "status": "\#(cluster.status)", "autopilot": {\#(cluster.autopilot ? #""enabled": true"# : "")}, "location": "us-west1-b"\#(network)}"#)
        case ["storage", "buckets", "describe"]:
            let url = argv[4]
            switch bucket {
            case .free: return ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: (gcloud.storage.buckets.describe) \(url) not found: 404.")
            case .taken: return ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: (gcloud.storage.buckets.describe) [None] does not have permission to access b instance [\(url.dropFirst(5))] (or it may not exist): \(account) does not have storage.buckets.get access to the Google Cloud Storage bucket. Permission 'storage.buckets.get' denied on resource (or it may not exist).")
            case .ours: return ok(#"{"location": "US-WEST1", "name": "\#(url.dropFirst(5))", "storage_url": "\#(url)/", "uniform_bucket_level_access": true}"#)
            }
        case ["compute", "accelerator-types", "list"]:
            let filter = argv[argv.firstIndex(of: "--filter")! + 1]
            let names = Self.accelerators.filter { filter.contains("\($0) ") || filter.contains("\($0))") }
            let items = names.flatMap { name in Self.zones.filter { !(missing[$0]?.contains(name) ?? false) }.map {
                #"{"name": "\#(name)", "zone": "https://www.googleapis.com/compute/v1/projects/\#(project)/zones/\#($0)"}"# } }
            return ok("[" + items.joined(separator: ",\n") + "]")
        case ["compute", "machine-types", "list"]:
            let filter = argv[argv.firstIndex(of: "--filter")! + 1]
            let region = filter.split(separator: "^")[1].split(separator: "-").prefix(2).joined(separator: "-")
            let names = filter.split(separator: "(")[1].dropLast().split(separator: " ").map(String.init)
            let items = names.flatMap { name in Self.zones.filter { $0.hasPrefix(region + "-") && !(missing[$0]?.contains(name) ?? false) }.map {
                #"{"guestCpus": \#(Int(name.split(separator: "-").last!) ?? 12), "name": "\#(name)", "zone": "\#($0)"}"# } }
            return ok("[" + items.joined(separator: ",\n") + "]")
        case ["compute", "regions", "describe"]:
            guard let regional else { return ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: (gcloud.compute.regions.describe) Could not fetch resource:\n - Compute Engine API has not been used in project 123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/compute.googleapis.com/overview?project=123456789012 then retry.") }
            return ok(#"{"kind": "compute#region", "name": "\#(argv[4])", "quotas": \#(Self.quotas(regional)), "status": "UP"}"#)
        case ["compute", "project-info", "describe"]:
            guard let global else { return ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: (gcloud.compute.project-info.describe) Could not fetch resource:\n - Compute Engine API has not been used in project 123456789012 before or it is disabled.") }
            return ok(#"{"kind": "compute#project", "name": "\#(project)", "quotas": \#(Self.quotas(global))}"#)
        case ["org-policies", "describe", argv[3]]:
            let constraint = argv[3]
            let rules = orgRules[constraint] ?? (constraint.contains("Domains") ? #"[{"allowAll": true}]"# : #"[{"enforce": false}]"#)
            return ok(#"{"name": "projects/123456789012/policies/\#(constraint)", "spec": {"rules": \#(rules)}}"#)
        default:
            return ReadResult(exitCode: 127, stdout: "", stderr: "PreflightWorld: no answer for \(argv.joined(separator: " "))")
        }
    }

    static func quotas(_ table: [String: (Double, Double)]) -> String {
        "[" + table.sorted { $0.key < $1.key }.map { #"{"limit": \#($0.value.0), "metric": "\#($0.key)", "usage": \#($0.value.1)}"# }
            .joined(separator: ", ") + "]"
    }

    /// Every read's result, the reads answered until none is left (as `DoctorSession.run` does).
    func results(_ answers: Answers) -> [String: ReadResult] {
        let preflight = Preflight(answers: answers)
        var results: [String: ReadResult] = [:]
        while case let reads = preflight.reads(after: results), !reads.isEmpty {
            for read in reads { results[read.id] = answer(read) }
        }
        return results
    }

    /// Every check once all reads are in.
    func checks(_ answers: Answers) -> [Check] { Preflight(answers: answers).checks(results(answers)) }
}
