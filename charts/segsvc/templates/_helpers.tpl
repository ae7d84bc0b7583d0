{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "segsvc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, prefixed by the chart name unless it already contains it. */}}
{{- define "segsvc.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "segsvc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "segsvc.labels" -}}
helm.sh/chart: {{ include "segsvc.chart" . }}
{{ include "segsvc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: api
app.kubernetes.io/part-of: alt-las
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the pods; never change them on an installed release. */}}
{{- define "segsvc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "segsvc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "segsvc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "segsvc.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "segsvc.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Discovery mode: connect-inject implies sidecar mode. */}}
{{- define "segsvc.discoveryMode" -}}
{{- if .Values.consul.connectInject.enabled }}sidecar{{ else }}{{ .Values.discovery.mode }}{{ end }}
{{- end }}

{{/* Whether the chart creates the Secret itself (values given, no existing Secret named). */}}
{{- define "segsvc.createSecret" -}}
{{- if and (not .Values.secrets.existingSecret) (or .Values.secrets.jwtSecret .Values.secrets.consulToken) }}true{{ end }}
{{- end }}

{{/* Name of the Secret the pods read; referenced with optional: true, so it may be absent. */}}
{{- define "segsvc.secretName" -}}
{{- default (include "segsvc.fullname" .) .Values.secrets.existingSecret }}
{{- end }}
