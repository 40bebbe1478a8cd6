import SetupPlan

/// How a container's variables or a RayCluster's spec turn Ray's token authentication on.
enum TokenAuth {
    /// `RAY_AUTH_MODE=token` and a `RAY_AUTH_TOKEN` (from a Secret or, badly, a literal) in a container's `env`.
    static func isOn(env: JSONValue) -> Bool {
        let variables = env.array
        let mode = variables.first { $0["name"].string == RayClusterManifest.authModeEnvVar }?["value"].string
        let token = variables.contains { $0["name"].string == RayClusterManifest.authTokenEnvVar }
        return mode?.lowercased() == RayAuth.token.rawValue && token
    }
}

extension Doctor {
    /// `kubectl get secret NAME -o go-template=...`: the Secret's name and its keys, never their values.
    public static let secretKeysTemplate = "go-template={{.metadata.name}}{{range $key, $value := .data}} {{$key}}{{end}}"

    static let rayAuthLink: Link = { f, decided in
        let a = f.answers
        let title = "Ray token authentication is on in RayCluster \(a.ray.clusterName) and its pods"
        if let skip = blocked(.rayAuth, title, needs: [.rayClusterKind, .namespace], decided) { return skip }
        guard let result = f.result(ReadID.rayCluster), let podsResult = f.result(ReadID.pods) else { return nil }
        guard let rayCluster = f.json(ReadID.rayCluster) else {
            guard result.notFound else { return unreadable(.rayAuth, title, result) }
            return Check(id: .rayAuth, title: title, status: .skipped, evidence: ["no RayCluster \(a.ray.clusterName) to check"])
        }
        let spec = rayCluster["spec"]
        var templates = [("head", spec["headGroupSpec"]["template"]["spec"])]
        for (index, group) in spec["workerGroupSpecs"].array.enumerated() {
            templates.append((group["groupName"].string ?? "#\(index)", group["template"]["spec"]))
        }
        let byOperator = spec["authOptions"]["mode"].string == RayAuth.token.rawValue
        let open = templates.filter { !TokenAuth.isOn(env: $0.1["containers"][0]["env"]) }.map(\.0)
        var evidence: [String] = []
        if byOperator {
            evidence.append("spec.authOptions.mode token: the operator gives every Ray container the token")
        } else if open.isEmpty {
            evidence.append("every pod template sets RAY_AUTH_MODE token and RAY_AUTH_TOKEN")
        } else {
            evidence.append("no spec.authOptions, and no RAY_AUTH_MODE token in " + open.joined(separator: ", ")
                            + ": anyone who reaches the dashboard (\(RayClusterManifest.dashboardPort)), client "
                            + "(\(RayClusterManifest.clientPort)) or GCS (\(RayClusterManifest.gcsPort)) port runs code as the bucket's identity")
        }
        let stale = f.pods.filter { !$0.containersWithoutToken.isEmpty }
        for pod in stale {
            evidence.append("pod \(pod.name) (\(pod.role)): \(pod.containersWithoutToken.joined(separator: ", ")) without the token")
        }
        if (byOperator || open.isEmpty) && stale.isEmpty {
            if !podsResult.succeeded { evidence.append("its pods cannot be listed: \(podsResult.errorLine)") }
            return Check(id: .rayAuth, title: title, status: .ok, evidence: evidence)
        }
        let restart = f.doctor.fixes.restartPods(group: nil)
        if byOperator || open.isEmpty {
            // The spec is right; pods started before it was are not.
            return Check(id: .rayAuth, title: title, status: .broken, evidence: evidence, fix: [restart],
                         advice: "Pods started before token authentication was turned on keep running without it; the operator starts them anew with it.")
        }
        if f.servesAuthOptions {
            let add = PatchOperation(.add, "/spec/authOptions", map: ["mode": RayAuth.token.rawValue])
            return Check(id: .rayAuth, title: title, status: .broken, evidence: evidence, fix: [f.doctor.patchCommand([add]), restart],
                         advice: "Make the same change in the manifest the RayCluster was applied from (ray.auth: token writes it), or the next apply undoes it.")
        }
        return Check(id: .rayAuth, title: title, status: .broken, evidence: evidence,
                     advice: "This operator has no spec.authOptions: apply \(WorkspaceFiles.manualAuthManifest) from the workspace (ray.auth: token writes it) "
                        + "after creating its Secret as setup.sh's create-auth-secret step does, then restart the Ray pods.")
    }

    static let authSecretLink: Link = { f, decided in
        let a = f.answers, ns = a.identity.namespace
        let name = RayClusterManifest.tokenSecretName(a)
        let title = "The token Secret \(ns)/\(name) exists"
        if let skip = blocked(.authSecret, title, needs: [.rayAuth], decided) { return skip }
        guard let result = f.result(ReadID.authSecret) else { return nil }
        if result.succeeded {
            let keys = result.stdout.split(whereSeparator: \.isWhitespace).dropFirst().map(String.init)
            if keys.contains(RayClusterManifest.tokenSecretKey) {
                return Check(id: .authSecret, title: title, status: .ok, evidence: ["Secret \(name) holds \(RayClusterManifest.tokenSecretKey) (its value is not read)"])
            }
            return Check(id: .authSecret, title: title, status: .broken,
                         evidence: ["Secret \(name) has no \(RayClusterManifest.tokenSecretKey) (keys: \(keys.isEmpty ? "none" : keys.joined(separator: ", ")))"],
                         advice: "Delete it and create it again with a random token as setup.sh's create-auth-secret step does, then restart the Ray pods.")
        }
        guard result.notFound else { return unreadable(.authSecret, title, result) }
        let byOperator = f.json(ReadID.rayCluster)?["spec"]["authOptions"]["mode"].string == RayAuth.token.rawValue
        return Check(id: .authSecret, title: title, status: .broken, evidence: ["no Secret \(name) in \(ns): Ray containers that read the token cannot start"],
                     fix: byOperator ? [f.doctor.fixes.restartPods(group: nil)] : [],
                     advice: byOperator
                        ? "The operator makes a new token Secret when it next reconciles the RayCluster; restart the Ray pods so they all take it."
                        : "Create it with a random token as setup.sh's create-auth-secret step does: "
                            + f.doctor.fixes.step(.createAuthSecret).map { StepInput.randomToken.shellCommand + " | " + ShellQuote.join($0) }.joined()
                            + "; then restart the Ray pods.")
    }
}

extension Facts {
    /// Whether the served RayCluster CRD's v1 schema has `spec.authOptions` (KubeRay 1.5.1 and later).
    var servesAuthOptions: Bool {
        guard let crd = json(ReadID.crd) else { return false }
        let v1 = crd["spec"]["versions"].array.first { $0["name"].string == "v1" }
        return v1?["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["authOptions"].exists ?? false
    }
}
