import SetupPlan
import WizardResources
import XCTest
import Yams

/// `ray.auth`: the rule, both RayCluster forms, the steps that choose between them, and setup.sh.
final class RayAuthPlanTests: XCTestCase {
    func answers(_ configure: (inout Answers) -> Void = { _ in }) -> Answers {
        var a = Combination(cluster: .createStandard, op: .gkeAddon, identity: .direct).answers()
        a.ray.workers.append(ManifestSchemaTests.gpuGroup)
        configure(&a)
        return a
    }

    func testTokenIsTheDefaultAndNeedsRay252() {
        XCTAssertEqual(Answers().ray.auth, .token)
        let old = answers { $0.ray.version = "2.51.2" }
        let problem = Validator.validate(old).first { $0.path == "ray.auth" }
        XCTAssertEqual(problem?.value, "token")
        XCTAssertTrue(problem?.rule.contains("ray.version 2.52.0 or later") == true, "\(String(describing: problem))")
        XCTAssertTrue(problem?.rule.contains("ray.version is 2.51.2") == true, "\(String(describing: problem))")
        XCTAssertTrue(problem?.rule.contains("ray.auth none") == true, "\(String(describing: problem))")
        XCTAssertEqual(Validator.validate(answers { $0.ray.version = "2.51.2"; $0.ray.auth = .none }), [])
        XCTAssertEqual(Validator.validate(answers { $0.ray.version = "2.52.0" }), [])
        XCTAssertEqual(Validator.validate(answers { $0.ray.version = "3.0.0" }), [])
        XCTAssertEqual(Validator.validate(field: "ray.auth", in: old).count, 1, "shown beside the field in the wizard")
        var parsed = Answers()
        XCTAssertThrowsError(try AnswerFields.field("ray.auth")?.set("basic", in: &parsed)) { error in
            XCTAssertEqual((error as? FieldError)?.description, #"ray.auth "basic": must be one of token, none"#)
        }
    }

    func doc(_ answers: Answers, _ form: RayClusterManifest.TokenForm) throws -> [String: Any] {
        try XCTUnwrap(try Yams.load(yaml: RayClusterManifest(answers, tokenForm: form).yaml()) as? [String: Any])
    }

    /// Every Ray container's variables, by name: the head's and each worker group's.
    func environments(_ doc: [String: Any]) throws -> [[String: [String: Any]]] {
        try ManifestSchemaTests.podTemplates(doc).flatMap { template in
            let containers = try XCTUnwrap((template["spec"] as? [String: Any])?["containers"] as? [[String: Any]])
            return containers.map { container in
                Dictionary(uniqueKeysWithValues: (container["env"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0) })
            }
        }
    }

    func testBothFormsValidateAgainstTheV1CRDAndCarryTheTokenOnlyByReference() throws {
        let schema = try ManifestSchemaTests.schema()
        for autoscaling in [true, false] {
            let a = answers { $0.ray.autoscaling = autoscaling }
            let operatorForm = try doc(a, .authOptions)
            XCTAssertEqual(SchemaValidator.violations(of: operatorForm, against: schema), [])
            let spec = try XCTUnwrap(operatorForm["spec"] as? [String: Any])
            XCTAssertEqual(spec["authOptions"] as? [String: String], ["mode": "token"])
            XCTAssertNil(spec["autoscalerOptions"], "the operator sets the autoscaler's variables itself")
            for env in try environments(operatorForm) { XCTAssertNil(env["RAY_AUTH_TOKEN"]) }

            let manual = try doc(a, .secretEnvironment)
            XCTAssertEqual(SchemaValidator.violations(of: manual, against: schema), [])
            let manualSpec = try XCTUnwrap(manual["spec"] as? [String: Any])
            XCTAssertNil(manualSpec["authOptions"], "an operator without the field would refuse the manifest")
            let containers = try environments(manual)
            XCTAssertEqual(containers.count, 3, "head, workers, gpu")
            var all = containers
            if autoscaling {
                let sidecar = try XCTUnwrap((manualSpec["autoscalerOptions"] as? [String: Any])?["env"] as? [[String: Any]])
                all.append(Dictionary(uniqueKeysWithValues: sidecar.map { ($0["name"] as? String ?? "", $0) }))
            } else {
                XCTAssertNil(manualSpec["autoscalerOptions"])
            }
            for env in all {
                XCTAssertEqual(env["RAY_AUTH_MODE"]?["value"] as? String, "token")
                let token = try XCTUnwrap(env["RAY_AUTH_TOKEN"])
                XCTAssertNil(token["value"], "never a literal token")
                let ref = (token["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: String]
                XCTAssertEqual(ref, ["name": "raycluster-mini", "key": "auth_token"])
            }
        }
        let open = try doc(answers { $0.ray.auth = .none }, .secretEnvironment)
        XCTAssertNil((open["spec"] as? [String: Any])?["authOptions"])
        for env in try environments(open) { XCTAssertNil(env["RAY_AUTH_MODE"]) }
    }

    func testTheOperatorsCRDChoosesTheFileAndOnlyTheManualFormMakesASecret() throws {
        let plan = PlanBuilder.build(answers(), checkScript: WizardResources.bucketProbeScript)
        let ids = plan.steps.map(\.id)
        let check = try XCTUnwrap(plan.step(.checkAuthOptions))
        let secret = try XCTUnwrap(plan.step(.createAuthSecret))
        let apply = try XCTUnwrap(plan.step(.applyRayCluster))
        XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: .checkCRD)), try XCTUnwrap(ids.firstIndex(of: .checkAuthOptions)))
        XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: .createKSA)), try XCTUnwrap(ids.firstIndex(of: .createAuthSecret)), "the namespace exists")
        XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: .createAuthSecret)), try XCTUnwrap(ids.firstIndex(of: .applyRayCluster)))
        XCTAssertEqual(check.captures, ["RAYCLUSTER_MANIFEST"])
        XCTAssertEqual(secret.runsWhen, StepCondition(placeholder: "RAYCLUSTER_MANIFEST", equals: WorkspaceFiles.manualAuthManifest))
        XCTAssertEqual(secret.input, .randomToken)
        XCTAssertTrue(secret.argv.contains("--from-file=auth_token=/dev/stdin"), "\(secret.argv)")
        XCTAssertEqual(Array(apply.argv.prefix(3)), ["kubectl", "apply", "-f"])
        XCTAssertEqual(apply.argv[3], "${RAYCLUSTER_MANIFEST}")
        XCTAssertEqual(plan.contents(of: WorkspaceFiles.manualAuthManifest), plan.manualAuthManifest)
        XCTAssertTrue(plan.manualAuthManifest?.contains("secretKeyRef") == true)
        XCTAssertTrue(plan.manifest.contains("authOptions"))

        let open = PlanBuilder.build(answers { $0.ray.auth = .none }, checkScript: "print(1)")
        XCTAssertNil(open.step(.checkAuthOptions))
        XCTAssertNil(open.step(.createAuthSecret))
        XCTAssertNil(open.manualAuthManifest)
        XCTAssertEqual(open.step(.applyRayCluster)?.argv[3], WorkspaceFiles.manifest)
        XCTAssertFalse(open.manifest.contains("RAY_AUTH"))
    }

    func testTheConditionHoldsOnlyForTheReadValue() {
        let condition = StepCondition(placeholder: "RAYCLUSTER_MANIFEST", equals: WorkspaceFiles.manualAuthManifest)
        XCTAssertTrue(condition.holds(["RAYCLUSTER_MANIFEST": "raycluster-auth-manual.yaml"]))
        XCTAssertFalse(condition.holds(["RAYCLUSTER_MANIFEST": "raycluster.yaml"]))
        XCTAssertFalse(condition.holds([:]))
    }

    func testSetupScriptMakesTheTokenInThePipeAndSkipsTheSecretForTheOperatorForm() {
        let script = SetupScript.render(PlanBuilder.build(answers(), checkScript: "print(1)"))
        XCTAssertTrue(script.contains("if [ \"${RAYCLUSTER_MANIFEST}\" = raycluster-auth-manual.yaml ]; then\n"), script)
        XCTAssertTrue(script.contains("    random_token | kubectl create secret generic raycluster-mini --namespace default "
                                      + "--from-file=auth_token=/dev/stdin"), script)
        XCTAssertTrue(script.contains("random_token() { od -An -vtx1 -N32 /dev/urandom | tr -d ' \\n'; }"), script)
        XCTAssertTrue(script.contains("kubectl apply -f \"${RAYCLUSTER_MANIFEST}\""), script)
    }

    func testTheTokenSecretGoesAfterTheRayPods() {
        let plan = PlanBuilder.build(answers(), checkScript: "print(1)")
        let records = Dictionary(uniqueKeysWithValues: plan.steps.map { ($0.id, SetupRecord.done) })
        let destroy = DestroyPlanBuilder.build(setup: plan, records: records, options: DestroyOptions())
        let ids = destroy.plan.steps.map(\.id.rawValue)
        XCTAssertEqual(Array(ids.drop { $0 != "delete-raycluster" }.prefix(3)), ["delete-raycluster", "wait-ray-pods-gone", "delete-secret"])
        let delete = destroy.plan.step(.delete(.secret))
        XCTAssertEqual(delete?.argv.prefix(4), ["kubectl", "delete", "secret", "raycluster-mini"])
        XCTAssertEqual(delete?.kind, .delete)
        let open = PlanBuilder.build(answers { $0.ray.auth = .none }, checkScript: "print(1)")
        let openRecords = Dictionary(uniqueKeysWithValues: open.steps.map { ($0.id, SetupRecord.done) })
        XCTAssertNil(DestroyPlanBuilder.build(setup: open, records: openRecords, options: DestroyOptions()).plan.step(.delete(.secret)))
    }
}

extension RayAuthPlanTests {
    func testTheJSONPlanNamesTheConditionTheInputAndBothManifests() throws {
        let plan = PlanBuilder.build(answers(), checkScript: "print(1)")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(PlanJSON.render(plan).utf8)) as? [String: Any])
        XCTAssertEqual(json["manualAuthManifest"] as? String, plan.manualAuthManifest)
        let steps = try XCTUnwrap(json["steps"] as? [[String: Any]])
        let secret = try XCTUnwrap(steps.first { $0["id"] as? String == "create-auth-secret" })
        XCTAssertEqual(secret["runsWhen"] as? [String: String], ["placeholder": "RAYCLUSTER_MANIFEST", "equals": "raycluster-auth-manual.yaml"])
        XCTAssertEqual(secret["input"] as? String, "random-token")
        XCTAssertNil(steps.first { $0["id"] as? String == "apply-raycluster" }?["runsWhen"])
        let open = PlanBuilder.build(answers { $0.ray.auth = .none }, checkScript: "print(1)")
        let openJSON = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(PlanJSON.render(open).utf8)) as? [String: Any])
        XCTAssertTrue(openJSON["manualAuthManifest"] is NSNull)
    }
}
