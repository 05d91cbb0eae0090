// Command kube-testenv runs a real Kubernetes control plane for integration
// tests: kube-apiserver in-process on an embedded etcd, plus
// kube-controller-manager as a child process (same binary, subcommand).
//
//	kube-testenv [launcher flags] [-- extra kube-apiserver flags]
//	kube-testenv controller-manager [kube-controller-manager flags]   (spawned by the launcher)
//	kube-testenv version
//
// See README.md for the contract (KT_DIR, ready.json, admin.kubeconfig, signals).
package main

import (
	"fmt"
	"os"

	_ "time/tzdata" // as upstream kube-apiserver/kube-controller-manager (CronJob time zones)

	_ "k8s.io/component-base/logs/json/register"          // JSON log format, as upstream
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics, as upstream
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric, as upstream
	"k8s.io/component-base/version"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "controller-manager", "kube-controller-manager":
			os.Exit(runControllerManager(os.Args[2:]))
		case "version", "--version":
			fmt.Println(version.Get().GitVersion)
			return
		}
	}
	os.Exit(runLauncher(os.Args[1:]))
}
