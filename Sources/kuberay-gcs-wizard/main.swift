print("kuberay-gcs-wizard")
