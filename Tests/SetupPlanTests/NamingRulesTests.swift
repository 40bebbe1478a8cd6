import SetupPlan
import XCTest

final class NamingRulesTests: XCTestCase {
    func assertRule(_ rule: (String) -> String?, good: [String], bad: [String], file: StaticString = #filePath, line: UInt = #line) {
        for value in good { XCTAssertNil(rule(value), "\(value) should pass", file: file, line: line) }
        for value in bad { XCTAssertNotNil(rule(value), "\(value) should fail", file: file, line: line) }
    }

    /// Strings that must never reach a command line, whatever the field.
    static let hostile = ["a b", "x;rm -rf /", "$(id)", "`id`", "a'b", "a\"b", "a\nb", "naïve", "a$b", "a|b", "a&b", "-rf", "a\\b", "", " lead", "trail "]

    func testProject() {
        assertRule(NamingRules.project, good: ["my-project-id", "abcdef", "a12345", String(repeating: "a", count: 30)],
                   bad: ["short", "1project", "my-project-", "My-Project", "my_project", String(repeating: "a", count: 31)] + Self.hostile)
    }

    func testZone() {
        assertRule(NamingRules.zone, good: ["us-west1-b", "europe-west4-a", "northamerica-northeast1-c", "me-central2-a"],
                   bad: ["us-west1", "uswest1-b", "US-WEST1-B", "us-west1-bb"] + Self.hostile)
    }

    func testClusterLocation() {
        assertRule(NamingRules.clusterLocation,
                   good: ["us-west1-b", "us-west1", "europe-west4", "northamerica-northeast1", "northamerica-northeast1-c"],
                   bad: ["us", "US", "us-west1-bb", "us-west", "uswest1", "us-west1-b-c"] + Self.hostile)
        XCTAssertEqual(NamingRules.clusterLocation("us-west"), "cluster locations are a zone (e.g. us-west1-b) or a region (e.g. us-west1)")
    }

    func testClusterName() {
        assertRule(NamingRules.clusterName, good: ["cloud-bucket-cluster", "a", "a1", String(repeating: "a", count: 40)],
                   bad: ["1cluster", "cluster-", "Cluster", "my_cluster", String(repeating: "a", count: 41)] + Self.hostile)
    }

    func testMachineType() {
        assertRule(NamingRules.machineType, good: ["e2-standard-8", "n2-custom-4-16384", "c3-highmem-176"],
                   bad: ["E2-standard-8", "e2 standard", "e2--standard"] + Self.hostile)
    }

    func testNamespaceAndServiceAccount() {
        assertRule(NamingRules.namespace, good: ["default", "ray", "ray-2", "0ns"],
                   bad: ["Ray", "ray-", "-ray", "ray.ns", String(repeating: "a", count: 64)] + Self.hostile)
        assertRule(NamingRules.kubernetesServiceAccount, good: ["my-ksa", "ray.sa", "a"],
                   bad: ["My-KSA", "ksa-", ".ksa", "ksa..x", String(repeating: "a", count: 254)] + Self.hostile)
    }

    func testIAMServiceAccount() {
        assertRule(NamingRules.iamServiceAccount, good: ["my-iam-sa", "abcdef", String(repeating: "a", count: 30)],
                   bad: ["short", "1iamsa", "iam-sa-", "IAM-SA-X", String(repeating: "a", count: 31)] + Self.hostile)
    }

    func testBucketName() {
        assertRule(NamingRules.bucketName, good: ["my-bucket", "abc", "a_b-c.d", "1bucket", "data.example.com", String(repeating: "a", count: 63)],
                   bad: ["ab", "My_Bucket", "-bucket", "bucket-", "192.168.5.4", "goog-bucket", "my-google-bucket", "my-g00gle",
                         "a..b", String(repeating: "a", count: 64)] + Self.hostile)
        XCTAssertEqual(NamingRules.bucketName("My_Bucket"), "bucket names use lowercase letters, digits, '-', '_' and '.'")
    }

    func testBucketLocation() {
        assertRule(NamingRules.bucketLocation, good: ["us-west1", "europe-west4", "US", "eu", "ASIA", "NAM4"],
                   bad: ["us-west1-b", "mars", "us west1"] + Self.hostile)
        XCTAssertEqual(NamingRules.bucketLocation("us-west1-b"),
                       "a zone is not a bucket location: use a region (e.g. us-west1) or a multi-region (US, EU, ASIA)")
    }

    func testRayFields() {
        assertRule(NamingRules.rayClusterName, good: ["raycluster-mini", "r"], bad: ["RayCluster", "1ray", String(repeating: "a", count: 51)] + Self.hostile)
        assertRule(NamingRules.rayVersion, good: ["2.52.0", "2.9.3"], bad: ["2.52", "v2.52.0", "latest"] + Self.hostile)
        assertRule(NamingRules.image, good: ["rayproject/ray:2.52.0", "us-docker.pkg.dev/p/r/ray:2.52.0-py311", "ray", "localhost:5000/ray:x"],
                   bad: ["Ray:2", "ray:", "ray:2 x"] + Self.hostile)
        assertRule(NamingRules.cpu, good: ["1", "0.5", "500m", "16"], bad: ["0", "1.5m", "one", "1Gi"] + Self.hostile)
        assertRule(NamingRules.memory, good: ["2Gi", "512Mi", "1G", "1073741824"], bad: ["0", "2GB", "2 Gi", "Gi"] + Self.hostile)
    }
}
