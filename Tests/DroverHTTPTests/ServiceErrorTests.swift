import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
import Foundation
import Testing

@Suite struct ServiceErrorTests {
    let request = HTTPRequest(method: "PUT", url: URL(string: "https://management.azure.com/x")!)

    func response(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    @Test func armErrorCarriesCodeDetailsAndRequestId() {
        let body = #"{"error":{"code":"InvalidTemplate","message":"bad","details":[{"code":"PropertyMissing","message":"location is required","details":[{"code":"Inner","message":"deep"}]}]}}"#
        let error = ServiceErrorDecoder.error(for: response(400, body, headers: [("x-ms-request-id", "req-1")]), request: request)
        #expect(error.code == "InvalidTemplate")
        #expect(error.message == "bad")
        #expect(error.status == 400)
        #expect(error.requestId == "req-1")
        #expect(error.details == ["PropertyMissing: location is required", "Inner: deep"])
        #expect(error.nothingApplied)
        #expect(!error.retryable)
        #expect(!error.notFound)
    }

    @Test(arguments: [
        (404, #"{"error":{"code":"ResourceNotFound","message":"gone"}}"#, "ResourceNotFound", true, false),
        (401, #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#, "invalid_client", false, false),
        (429, #"{"error":{"code":"TooManyRequests","message":"slow down"}}"#, "TooManyRequests", false, true),
        (500, "", "HTTP500", false, true),
        (404, #"{"kind":"Status","reason":"NotFound","message":"no such pod","code":404}"#, "NotFound", true, false),
        (422, #"{"type":"error","code":"InvalidBodyContent","message":"bad","status":422}"#, "InvalidBodyContent", false, false),
    ] as [(Int, String, String, Bool, Bool)])
    func errorShapes(status: Int, body: String, code: String, notFound: Bool, retryable: Bool) {
        let error = ServiceErrorDecoder.error(for: response(status, body), request: request)
        #expect(error.code == code)
        #expect(error.notFound == notFound)
        #expect(error.retryable == retryable)
    }

    @Test func kubernetesStatusCausesBecomeDetails() {
        let body = #"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Invalid","message":"Deployment.apps \"w\" is invalid","code":422,"details":{"name":"w","kind":"Deployment","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.selector"}]}}"#
        let error = ServiceErrorDecoder.error(for: response(422, body), request: request)
        #expect(error.code == "Invalid")
        #expect(error.details == ["spec.selector: Required value (FieldValueRequired)"])
    }

    @Test func graphRequestIdFromInnerError() {
        let body = #"{"error":{"code":"Request_ResourceNotFound","message":"nope","innerError":{"request-id":"g-1","date":"x"}}}"#
        #expect(ServiceErrorDecoder.error(for: response(404, body), request: request).requestId == "g-1")
    }
}
