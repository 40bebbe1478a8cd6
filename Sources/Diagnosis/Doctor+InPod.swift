import SetupPlan

extension Doctor {
    /// One check per running Ray pod from the in-pod probe (or one skipped check with --no-exec); nil while a
    /// probe has not answered.
    static func podChecks(_ f: Facts, _ decided: [Check]) -> [Check]? {
        let title = "From inside each Ray pod: its Google identity, and a test object written, read and deleted"
        guard f.doctor.exec else {
            return [Check(id: .inPod, title: title, status: .skipped, evidence: ["not run (--no-exec)"])]
        }
        if let skip = blocked(.inPod, title, needs: [.pods], decided) { return [skip] }
        let pods = f.runningPods
        if pods.isEmpty { return [Check(id: .inPod, title: title, status: .skipped, evidence: ["no running Ray pod to run it in"])] }
        let cause = decided.first { $0.status == .broken }?.title
        var checks: [Check] = []
        for pod in pods {
            guard let result = f.result(ReadID.exec(pod.name)) else { return nil }
            var check = podCheck(pod, result, f)
            if check.status == .broken { check.cause = cause }
            checks.append(check)
        }
        return checks
    }

    /// What the metadata server should hand out: the IAM service account, or (direct) the workload pool's identity.
    static func expectedIdentity(_ a: Answers) -> String {
        a.identity.mode == .iamServiceAccount ? a.iamServiceAccountEmail : a.workloadPool
    }

    static func podCheck(_ pod: RayPod, _ result: ReadResult, _ f: Facts) -> Check {
        let a = f.answers, id = CheckID.pod(pod.name), object = "gs://\(a.bucket.name)/\(probeObject(pod: pod.name))"
        let title = "In \(pod.name) (\(pod.role)): identity and \(object)"
        let lastLine = result.stdout.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let report = JSONValue(parsing: lastLine)
        guard result.succeeded, !report.isNil else {
            return Check(id: id, title: title, status: .broken, evidence: ["the probe did not run: \(result.errorLine)"])
        }
        var evidence: [String] = [], broken = false, advice: String?
        let wanted = expectedIdentity(a)
        if let failure = report["metadata_error"].string {
            evidence.append("the metadata server did not answer after \(metadataTries) tries: \(failure)")
            return Check(id: id, title: title, status: .broken, evidence: evidence,
                         advice: "A new pod's GKE metadata server can take a few seconds: run doctor again. If it persists, see the node pools.")
        }
        let identity = report["identity"].string ?? "?"
        if identity == wanted {
            evidence.append("identity \(identity)")
        } else {
            broken = true
            evidence.append("identity \(identity), not \(wanted)"
                + (identity.hasSuffix("-compute@developer.gserviceaccount.com") ? ": the node's own account (no GKE metadata server under this pod)" : ""))
        }
        if let refused = report["token_error"].string {
            evidence.append("no token: \(refused)")
            return Check(id: id, title: title, status: .broken, evidence: evidence)
        }
        for (step, want) in [("write", "storage.objects.create"), ("read", "storage.objects.get"), ("delete", "storage.objects.delete")] {
            let outcome = report[step]
            guard !outcome.isNil else { continue }
            let status = outcome["status"].string ?? "?"
            if status.hasPrefix("2") {
                evidence.append("\(step): HTTP \(status)")
            } else if step == "delete" {
                // objectCreator and objectUser-less roles may write and read but not delete: the pods' job does not need it.
                evidence.append("delete: HTTP \(status) (no \(want); the test object stays: gcloud storage rm \(object))")
                advice = "Delete the test object by hand: gcloud storage rm \(object)"
            } else {
                broken = true
                evidence.append("\(step): HTTP \(status) \(outcome["error"].string ?? "")".trimmingCharacters(in: .whitespaces))
            }
        }
        if report["read"]["matches"].bool == false {
            broken = true
            evidence.append("read back other text than written")
        }
        return Check(id: id, title: title, status: broken ? .broken : .ok, evidence: evidence, advice: advice)
    }
}
