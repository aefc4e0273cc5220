package fineuploader

import "github.com/sigdiff/sigdiff/internal/regions"

// Regions are the region names a signing server could have derived its
// key with (internal/regions): a server that hard-codes its region signs
// for buckets elsewhere with a wrong key.
var Regions = regions.AWS
