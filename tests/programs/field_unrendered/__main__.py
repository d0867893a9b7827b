"""Kubernetes objects an offline preview cannot expand: it must say so, then carry on."""

import pulumi_kubernetes as k8s
from pulumi_kubernetes.helm.v3 import Chart, ChartOpts, FetchOpts
from pulumi_kubernetes.kustomize import Directory
from pulumi_kubernetes.yaml.v2 import ConfigFile

Chart("cache", ChartOpts(chart="redis", fetch_opts=FetchOpts(repo="https://charts.example.com")))
Directory("overlay", directory="overlay")
ConfigFile("bundle", file="bundle.yaml")  # a remote component: the provider plugin builds it
k8s.core.v1.Namespace("after")  # the program goes on after them
