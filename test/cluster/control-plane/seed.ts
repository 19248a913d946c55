// The objects the seed notes use, so every pane has something real to show.
export const seedManifests = `apiVersion: v1
kind: Namespace
metadata: {name: dev}
---
apiVersion: v1
kind: Namespace
metadata: {name: staging}
---
apiVersion: v1
kind: Namespace
metadata: {name: prod}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: default, name: developer-role}
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-user-binding, namespace: default}
subjects:
- kind: User
  name: jane
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: Role
  name: developer-role
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: my-monitoring-sa, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring-reader}
rules:
- apiGroups: [""]
  resources: ["nodes", "pods"]
  verbs: ["list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: monitoring-reader-binding}
subjects:
- kind: ServiceAccount
  name: my-monitoring-sa
  namespace: default
roleRef:
  kind: ClusterRole
  name: monitoring-reader
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: flighttickets.flights.com}
spec:
  group: flights.com
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              destination: {type: string}
              price: {type: integer}
  scope: Namespaced
  names:
    plural: flighttickets
    singular: flightticket
    kind: FlightTicket
    shortNames: [ft]
---
# An aggregated ClusterRole, as admin/edit/view are built. Its rules are normally filled in by the
# clusterrole-aggregation controller, which runs in kube-controller-manager: this control plane has none.
# The API server accepts aggregationRule together with rules (the controller would overwrite them), so
# the union of the labelled roles below is written out here, exactly as the controller would compute it.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: flight-viewer-aggregate}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {kubehop.dev/aggregate-to-flight-viewer: "true"}
rules:
- apiGroups: ["flights.com"]
  resources: ["flighttickets"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["namespaces"]
  verbs: ["get"]
- nonResourceURLs: ["/metrics"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: flight-viewer-tickets
  labels: {kubehop.dev/aggregate-to-flight-viewer: "true"}
rules:
- apiGroups: ["flights.com"]
  resources: ["flighttickets"]
  verbs: ["get", "list", "watch"]
---
# namespaces is cluster-scoped: bound by a RoleBinding it reaches only the namespace named like the
# binding's (GET /api/v1/namespaces/dev, the namespaces row's get in dev), never a list. And a RoleBinding
# never grants non-resource URLs, though a rules review for its namespace lists them.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: flight-viewer-logs
  labels: {kubehop.dev/aggregate-to-flight-viewer: "true"}
rules:
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["namespaces"]
  verbs: ["get"]
- nonResourceURLs: ["/metrics"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: auditor-flight-viewer, namespace: dev}
subjects:
- kind: User
  name: auditor
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: flight-viewer-aggregate
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: crd-reader}
rules:
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get", "list"]
- nonResourceURLs: ["/logs", "/logs/*"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: auditor-crd-reader}
subjects:
- kind: User
  name: auditor
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: crd-reader
  apiGroup: rbac.authorization.k8s.io
---
# Rules limited to named objects: kubectl auth can-i says no without a name, yes with one of these.
# And a verb discovery never lists (bind), which adds a column to the can-i matrix in staging.
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: config-editor, namespace: staging}
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: ["app-config", "feature-flags"]
  verbs: ["get", "update"]
- apiGroups: ["apps"]
  resources: ["deployments/scale"]
  resourceNames: ["web"]
  verbs: ["get"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles"]
  verbs: ["bind"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: carol-config-editor, namespace: staging}
subjects:
- kind: User
  name: carol
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: Role
  name: config-editor
  apiGroup: rbac.authorization.k8s.io
`;

export const flightTicket = `apiVersion: flights.com/v1
kind: FlightTicket
metadata: {name: my-ticket, namespace: default}
spec:
  destination: "New York"
  price: 500
`;
