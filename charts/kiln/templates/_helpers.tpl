{{/* Names: everything is prefixed with the release's full name. */}}
{{- define "kiln.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kiln.operatorName" -}}{{ include "kiln.fullname" . }}-operator{{- end -}}
{{- define "kiln.schedulerName" -}}{{ include "kiln.fullname" . }}-scheduler{{- end -}}
{{- define "kiln.registryName" -}}{{ include "kiln.fullname" . }}-registry{{- end -}}

{{- define "kiln.labels" -}}
app.kubernetes.io/part-of: kiln
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kiln.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* kiln.image: (dict "root" $ "image" .Values.images.operator) */}}
{{- define "kiln.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if .image.digest -}}
{{- printf "%s/%s@%s" .root.Values.image.registry .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The registry address Kiln pushes to; empty when none is configured. */}}
{{- define "kiln.registryHost" -}}
{{- if .Values.registry.host -}}
{{- .Values.registry.host -}}
{{- else if .Values.registry.install -}}
{{- printf "%s.%s.svc:5000" (include "kiln.registryName" .) .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{- define "kiln.pushSecret" -}}
{{- if .Values.registry.pushSecret -}}
{{- .Values.registry.pushSecret -}}
{{- else if .Values.registry.credentials.create -}}
{{- include "kiln.registryName" . }}-push
{{- end -}}
{{- end -}}

{{/* The restricted Pod Security Standard, for every Kiln container. */}}
{{- define "kiln.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "kiln.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "kiln.pullSecrets" -}}
{{- with .Values.image.pullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}
