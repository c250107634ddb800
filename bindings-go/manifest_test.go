package petrel

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// camelName is the generated wrapper's name for a C function
// (header-gen/src/go.rs): cStoreNew for petrel_store_new.
func camelName(c string) string {
	var b strings.Builder
	b.WriteString("c")
	for _, part := range strings.Split(strings.TrimPrefix(c, "petrel_"), "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// TestManifest_FullyWrapped fails when a C function of the API manifest
// (header-gen/api.json) is neither used by the hand-written layer (by its
// generated wrapper or directly through cgo) nor listed, with a reason, in
// api-skip.txt. Missing functions are reported per object.
func TestManifest_FullyWrapped(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "header-gen", "api.json"))
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Functions []struct {
			Name  string
			Group struct{ Object, Verb string }
		}
	}
	if err := json.Unmarshal(raw, &api); err != nil {
		t.Fatal(err)
	}
	skipText, err := os.ReadFile("api-skip.txt")
	if err != nil {
		t.Fatal(err)
	}
	skip := map[string]string{}
	for _, line := range strings.Split(string(skipText), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, " ")
		if strings.TrimSpace(reason) == "" {
			t.Errorf("api-skip.txt: %s has no reason", name)
		}
		skip[name] = reason
	}
	files, _ := filepath.Glob("*.go")
	var src strings.Builder
	for _, f := range files {
		if f == "lowlevel.go" || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	// Every identifier that can name a C function: C.petrel_x or a
	// generated wrapper cX.
	used := map[string]bool{}
	for _, id := range regexp.MustCompile(`\bC\.petrel_\w+|\bc[A-Z]\w*`).FindAllString(src.String(), -1) {
		used[strings.TrimPrefix(id, "C.")] = true
	}
	missing := map[string][]string{}
	known := map[string]bool{}
	for _, f := range api.Functions {
		known[f.Name] = true
		isUsed := used[f.Name] || used[camelName(f.Name)]
		_, skipped := skip[f.Name]
		switch {
		case isUsed && skipped:
			t.Errorf("%s is used but listed in api-skip.txt: remove it", f.Name)
		case !isUsed && !skipped:
			obj := f.Group.Object
			if obj == "" {
				obj = "(free functions)"
			}
			missing[obj] = append(missing[obj], f.Group.Verb)
		}
	}
	for name := range skip {
		if !known[name] {
			t.Errorf("api-skip.txt lists %s, which is not in the API", name)
		}
	}
	objs := make([]string, 0, len(missing))
	for o := range missing {
		objs = append(objs, o)
	}
	sort.Strings(objs)
	for _, o := range objs {
		t.Errorf("%s: not wrapped: %s", o, strings.Join(missing[o], ", "))
	}
}
