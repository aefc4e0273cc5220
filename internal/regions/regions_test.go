package regions

import (
	"slices"
	"testing"
)

func TestAWS_sortedAndUnique(t *testing.T) {
	if !slices.IsSorted(AWS) || len(slices.Compact(slices.Clone(AWS))) != len(AWS) {
		t.Error("AWS must be sorted and without duplicates")
	}
	if !slices.Contains(AWS, "us-east-1") || !slices.Contains(AWS, "cn-north-1") {
		t.Error("AWS lacks a well-known region")
	}
}
