import Foundation
import SetupPlan
import XCTest
import Yams

/// What `submit` makes of a command: an entrypoint that gives Ray's shell back the same words, a RayJob name KubeRay
/// accepts, the clusterSelector RayJob that passes the v1.7.0 CRD, and kubectl commands by the setup's context.
final class JobSubmissionTests: XCTestCase {
    private let answers = Combination(cluster: .createStandard, op: .gkeAddon, identity: .direct).answers()

    func testEachWordReachesTheShellAsGiven() throws {
        let argv = ["python", "-c", "import sys; print(sys.argv[1:])", "it's", "$HOME", "a b", "`id`", ""]
        let job = try JobSubmission(answers, argv: argv, suffix: "x7k2p")
        XCTAssertEqual(job.entrypoint, #"python -c 'import sys; print(sys.argv[1:])' 'it'\''s' '$HOME' 'a b' '`id`' ''"#)
        // The shell Ray runs the entrypoint with splits it back into the argv.
        let echoed = Process()
        echoed.executableURL = URL(fileURLWithPath: "/bin/sh")
        echoed.arguments = ["-c", "printf '%s\\n' " + job.entrypoint.dropFirst("python -c ".count)]
        let pipe = Pipe()
        echoed.standardOutput = pipe
        try echoed.run()
        echoed.waitUntilExit()
        let words = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(words.dropLast().map(String.init), Array(argv.dropFirst(2)))
    }

    func testNoCommandIsRefusedNamingWhatIsMissing() {
        for argv in [[], [""], ["  "]] {
            XCTAssertThrowsError(try JobSubmission(answers, argv: argv, suffix: "x7k2p")) { error in
                XCTAssertEqual((error as? FieldError)?.path, "entrypoint")
                XCTAssertTrue("\(error)".contains("after `--`"), "\(error)")
            }
        }
    }

    func testTheNameFitsKubeRaysLimitWhateverTheClusterName() throws {
        var long = answers
        long.ray.clusterName = String(repeating: "a", count: 40) + "-b-cde"
        for a in [answers, long] {
            let job = try JobSubmission(a, argv: ["true"], suffix: "x7k2p")
            XCTAssertLessThanOrEqual(job.name.count, RayJobManifest.maxNameLength, job.name)
            XCTAssertTrue(job.name.hasSuffix("-x7k2p"), job.name)
            XCTAssertFalse(job.name.contains("--"), job.name)
            XCTAssertEqual(job.file, "jobs/\(job.name).yaml")
        }
    }

    func testTheRayJobTargetsTheWizardsClusterAndPassesTheCRD() throws {
        let job = try JobSubmission(answers, argv: ["python", "/mnt/cluster_storage/code/train.py"], suffix: "x7k2p")
        let doc = try XCTUnwrap(try Yams.load(yaml: job.yaml) as? [String: Any])
        XCTAssertEqual(SchemaValidator.violations(of: doc, against: try RayJobManifestTests.rayJobSchema()), [])
        let spec = try XCTUnwrap(doc["spec"] as? [String: Any])
        XCTAssertEqual(spec["entrypoint"] as? String, "python /mnt/cluster_storage/code/train.py")
        XCTAssertEqual(spec["clusterSelector"] as? [String: String], [RayJobManifest.clusterLabel: answers.ray.clusterName])
        XCTAssertNil(spec["rayClusterSpec"])
        let submitter = try XCTUnwrap((spec["submitterPodTemplate"] as? [String: Any])?["spec"] as? [String: Any])
        XCTAssertEqual(submitter["serviceAccountName"] as? String, answers.identity.kubernetesServiceAccount)
    }

    /// jobs/NAME.yaml is the job that was applied, not an example to edit: its header says so and how to delete it.
    func testTheFileSaysItIsTheSubmittedJob() throws {
        let job = try JobSubmission(answers, argv: ["python", "train.py"], suffix: "x7k2p")
        let header = job.yaml.split(separator: "\n").prefix { $0.hasPrefix("#") }.joined(separator: "\n")
        XCTAssertTrue(header.contains("kuberay-gcs-wizard submit: the RayJob it applied"), header)
        XCTAssertTrue(header.contains("kubectl delete -f \(job.file)"), header)
        XCTAssertFalse(header.lowercased().contains("example"), header)
        XCTAssertFalse(header.contains("Edit `entrypoint`"), header)
    }

    func testEveryKubectlCommandNamesTheSetupsContext() throws {
        let job = try JobSubmission(answers, argv: ["true"], suffix: "x7k2p")
        for argv in [job.apply(path: "/w/jobs/x.yaml"), job.clusterRead, job.statusRead, job.submitterPodsRead, job.followLog(pod: "p")] {
            XCTAssertEqual(argv.first, "kubectl")
            XCTAssertEqual(Array(argv.suffix(2)), ["--context", answers.kubeContext], "\(argv)")
        }
        XCTAssertTrue(job.submitterPodsRead.contains("batch.kubernetes.io/job-name=\(job.name)"))
        XCTAssertEqual(job.followCommands.count, 2)
        XCTAssertTrue(job.followCommands.allSatisfy { $0.hasSuffix("--context \(answers.kubeContext)") })
    }
}
