$ curl -sS -o /dev/null -w "%{http_code}\n" \
    -X PUT \
    -H "Date: Fri, 24 May 2013 00:00:00 GMT" \
    -H "x-amz-date: 20130524T000000Z" \
    -H 'x-amz-storage-class: REDUCED_REDUNDANCY' \
    -H 'x-amz-content-sha256: 44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072' \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd" \
    -H 'Content-Type:' \
    --data-binary "Welcome to Amazon S3." \
    --url 'https://examplebucket.s3.amazonaws.com/test$file.text' 2>&1 | grep -v "^$"
