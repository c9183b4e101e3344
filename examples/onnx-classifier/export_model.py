#!/usr/bin/env python3
"""export_model.py OUT.onnx: torchvision's ResNet-18 exported to ONNX, as a user's model would be.

The weights are random (seed 0: this build reaches no model zoo), with BatchNorm statistics
randomized too, so that the logits are spread out rather than near zero; a trained model
(`torchvision.models.resnet18(weights=...)`, or any classifier taking 1x3x224x224) goes through
exactly the same steps. The batch dimension is symbolic ("batch"), as exporters usually write
it, which is why CMakeLists.txt passes `--dim batch=1` to kilnc.
"""
import sys

import torch
import torchvision


def main():
    torch.manual_seed(0)
    model = torchvision.models.resnet18().eval()
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    image = torch.zeros(1, 3, 224, 224)
    torch.onnx.export(model, (image,), sys.argv[1], input_names=["image"],
                      output_names=["logits"], opset_version=13,
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})


if __name__ == "__main__":
    main()
