import Diagnosis
import Foundation
import SetupPlan

/// Every gcloud command doctor sends, over both identity modes, including the reads that follow from earlier
/// answers (a predefined and a custom role on the bucket, a service account the KSA's annotation names).
enum DoctorGcloudReads {
    static func all() -> [[String]] {
        var commands: [[String]] = []
        for mode in IdentityMode.allCases {
            var answers = Answers()
            answers.project = "demo-project"
            answers.bucket.name = "my-bucket"
            answers.identity.mode = mode
            let doctor = Doctor(answers: answers, probeScript: "")
            let member = Commands(answers).bucketMember.replacingOccurrences(of: "${PROJECT_NUMBER}", with: "123456789012")
            let policy = #"{"bindings":[{"role":"roles/storage.objectUser","members":["\#(member)"]},"#
                + #"{"role":"projects/demo-project/roles/rayBucket","members":["\#(member)"]}]}"#
            let results: [String: ReadResult] = [
                "project": ReadResult(exitCode: 0, stdout: #"{"projectNumber":"123456789012"}"#),
                "bucket-policy": ReadResult(exitCode: 0, stdout: policy),
                "ksa": ReadResult(exitCode: 0, stdout: #"{"metadata":{"annotations":{"iam.gke.io/gcp-service-account":"other-sa@demo-project.iam.gserviceaccount.com"}}}"#),
            ]
            for read in doctor.reads(after: [:]) + doctor.reads(after: results) where read.argv.first == "gcloud" && !commands.contains(read.argv) {
                commands.append(read.argv)
            }
        }
        return commands
    }
}
