-- wrk script: POST the tutorial program of API.md (backward included) to /v1/evaluate.
wrk.method = "POST"
wrk.path = "/v1/evaluate"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"steps":[{"out":"x","op":"ones","attrs":{"shape":[2,2],"requires_grad":true}},{"out":"y","op":"add","inputs":["x",2]},{"out":"z","op":"mul","inputs":[{"op":"mul","inputs":["y","y"]},3]},{"out":"out","op":"mean","inputs":["z"]},{"op":"backward","inputs":["out"]}],"outputs":["x","y","out"]}'
