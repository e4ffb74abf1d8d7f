-- wrk script: a 64x128 linear layer with relu and an MSE loss, backward, on 256-wide tensors
-- built server-side (a heavier program than the tutorial).
wrk.method = "POST"
wrk.path = "/v1/evaluate"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"seed":1,"steps":[{"out":"x","op":"randn","inputs":[64,128]},{"out":"w","op":"randn","inputs":[256,128],"attrs":{"requires_grad":true}},{"out":"b","op":"zeros","inputs":[256],"attrs":{"requires_grad":true}},{"out":"t","op":"randn","inputs":[64,256]},{"out":"loss","op":"mse_loss","inputs":[{"op":"relu","inputs":[{"op":"linear","inputs":["x","w","b"]}]},"t"]},{"op":"backward","inputs":["loss"]},{"out":"g","op":"norm","inputs":["w.grad"]}],"outputs":["loss","g"]}'
