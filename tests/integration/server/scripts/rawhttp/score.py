# Azure ML's @rawhttp sample shape: run() gets the request, builds the response.
from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


@rawhttp
def run(request):
    if request.method == "GET":
        return AMLResponse(request.full_path.encode(), 200)
    if request.method == "POST":
        body = request.get_data(False)
        resp = AMLResponse(body[::-1], 201, {"X-Echo-Method": request.method})
        resp.headers["X-Seen-Header"] = request.headers.get("X-Custom", "missing")
        return resp
    return AMLResponse("bad request", 418)
