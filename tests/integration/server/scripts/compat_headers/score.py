# run() with a request_headers parameter: gets the request's headers as a dict.


def init():
    pass


def run(raw_data, request_headers):
    return {"input": raw_data, "x-custom": request_headers.get("X-Custom"),
            "content-type": request_headers.get("Content-Type")}
