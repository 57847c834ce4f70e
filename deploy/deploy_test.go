// Package deploy_test lints the container image recipe (../Dockerfile) and
// the Kubernetes manifests beside this file, and builds the binary with the
// Dockerfile's own build command. No container builder can pull base
// images on the development box (no registry is reachable), so this is
// what CI checks instead of a docker build (docs/proxy.md says so).
package deploy_test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// instr is one Dockerfile instruction, continuation lines joined.
type instr struct {
	op, args string
}

func parseDockerfile(t *testing.T) []instr {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var out []instr
	var cur strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		l := strings.TrimSpace(line)
		if cur.Len() == 0 && (l == "" || strings.HasPrefix(l, "#")) {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\") + " ")
			continue
		}
		cur.WriteString(l)
		op, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instr{op: strings.ToUpper(op), args: strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// The Dockerfile is multi-stage, builds a static cgo-free binary for the
// target architecture, and runs it as a non-root user on an empty or
// distroless base with the readiness route's port exposed.
func TestDockerfileLint(t *testing.T) {
	ins := parseDockerfile(t)
	var froms []string
	var user, entry string
	build := ""
	for _, in := range ins {
		switch in.op {
		case "FROM":
			froms = append(froms, in.args)
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			entry = in.args
		case "RUN":
			if strings.Contains(in.args, "go build") {
				build = in.args
			}
		}
	}
	if len(froms) < 2 {
		t.Fatalf("want a multi-stage build, got %d FROM", len(froms))
	}
	final := strings.Fields(froms[len(froms)-1])[0]
	if final != "scratch" && !strings.Contains(final, "distroless") {
		t.Fatalf("final base %q: want scratch or distroless", final)
	}
	if !strings.Contains(froms[0], "--platform=$BUILDPLATFORM") {
		t.Fatalf("the build stage should run on the build platform and cross-compile: %q", froms[0])
	}
	for _, want := range []string{"CGO_ENABLED=0", "GOARCH=$TARGETARCH", "./cmd/obscura"} {
		if !strings.Contains(build, want) {
			t.Fatalf("build command %q lacks %s", build, want)
		}
	}
	uid := strings.Split(user, ":")[0]
	if user == "" || uid == "0" || uid == "root" {
		t.Fatalf("USER %q: want a non-root user", user)
	}
	if !regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`).MatchString(user) {
		t.Fatalf("USER %q: a scratch image has no /etc/passwd, use numeric ids", user)
	}
	if entry != `["/obscura"]` {
		t.Fatalf("ENTRYPOINT %q", entry)
	}
	// No registry host in the recipe: base images by their short names.
	for _, f := range froms {
		fields := strings.Fields(f)
		image := fields[len(fields)-1]
		if len(fields) >= 3 && strings.EqualFold(fields[len(fields)-2], "AS") {
			image = fields[len(fields)-3]
		}
		if parts := strings.Split(image, "/"); len(parts) > 1 && strings.ContainsAny(parts[0], ".:") {
			t.Fatalf("FROM %q names a registry host", f)
		}
	}
}

// The binary builds with the Dockerfile's exact go build command (for this
// machine's architecture) and is statically linked.
func TestDockerfileBuildCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	var build string
	for _, in := range parseDockerfile(t) {
		if in.op == "RUN" && strings.Contains(in.args, "go build") {
			build = in.args
		}
	}
	out := filepath.Join(t.TempDir(), "obscura")
	env := os.Environ()
	var args []string
	vars := map[string]string{"$TARGETOS": "linux", "$TARGETARCH": runtime.GOARCH}
	for _, f := range strings.Fields(build) {
		for k, v := range vars {
			f = strings.ReplaceAll(f, k, v)
		}
		if k, v, ok := strings.Cut(f, "="); ok && len(args) == 0 && regexp.MustCompile(`^[A-Z_]+$`).MatchString(k) {
			env = append(env, k+"="+v)
			continue
		}
		if f == "/out/obscura" {
			f = out
		}
		args = append(args, f)
	}
	if len(args) < 3 || args[0] != "go" || args[1] != "build" {
		t.Fatalf("cannot read the build command %q", build)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = ".."
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary has a dynamic loader: not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("the binary links %v", libs)
	}
}

// The manifests hold a Deployment with readiness on /readyz, liveness on
// /healthz, resource requests and a non-root security context, a Service,
// and a HorizontalPodAutoscaler that targets the Deployment.
func TestKubernetesManifests(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "\t") {
			t.Fatalf("%s has tabs (YAML forbids them for indentation)", name)
		}
		return string(b)
	}
	dep := read("deployment.yaml")
	for _, want := range []string{"kind: Deployment", "readinessProbe:", "path: /readyz", "livenessProbe:", "path: /healthz",
		"requests:", "memory:", "cpu:", "runAsNonRoot: true", "readOnlyRootFilesystem: true", "containerPort: 8080", "- proxy"} {
		if !strings.Contains(dep, want) {
			t.Errorf("deployment.yaml lacks %q", want)
		}
	}
	if svc := read("service.yaml"); !strings.Contains(svc, "kind: Service") || !strings.Contains(svc, "targetPort: http") {
		t.Error("service.yaml is not a Service on the http port")
	}
	hpa := read("hpa.yaml")
	for _, want := range []string{"kind: HorizontalPodAutoscaler", "kind: Deployment", "name: obscura", "averageUtilization:"} {
		if !strings.Contains(hpa, want) {
			t.Errorf("hpa.yaml lacks %q", want)
		}
	}
	kust := read("kustomization.yaml")
	entries, _ := filepath.Glob("*.yaml")
	for _, e := range entries {
		if e != "kustomization.yaml" && !strings.Contains(kust, "- "+e) {
			t.Errorf("kustomization.yaml does not list %s", e)
		}
	}
}
