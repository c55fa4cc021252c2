// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/torch_tensor_views.h"

#include <torch/torch.h>

#include "core/error.h"

namespace rlrf::model {

torch::ScalarType toScalarType(Dtype dtype)
{
    switch (dtype) {
    case Dtype::Bool: return torch::kBool;
    case Dtype::U8: return torch::kUInt8;
    case Dtype::I8: return torch::kInt8;
    case Dtype::I32: return torch::kInt32;
    case Dtype::I64: return torch::kInt64;
    case Dtype::F16: return torch::kHalf;
    case Dtype::BF16: return torch::kBFloat16;
    case Dtype::F32: return torch::kFloat32;
    case Dtype::F64: return torch::kFloat64;
    }
    throw Error("unknown dtype");
}

Dtype toDtype(torch::ScalarType type, const std::string &tensorName)
{
    switch (type) {
    case torch::kBool: return Dtype::Bool;
    case torch::kUInt8: return Dtype::U8;
    case torch::kInt8: return Dtype::I8;
    case torch::kInt32: return Dtype::I32;
    case torch::kInt64: return Dtype::I64;
    case torch::kHalf: return Dtype::F16;
    case torch::kBFloat16: return Dtype::BF16;
    case torch::kFloat32: return Dtype::F32;
    case torch::kFloat64: return Dtype::F64;
    default: break;
    }
    throw Error(std::string("dtype ") + c10::toString(type) + " cannot be saved as safetensors", {"", 0, tensorName});
}

torch::Tensor toTensor(const TensorView &view)
{
    auto owner = view.owner;
    // from_blob wants a mutable pointer; the tensor is only ever read (copied into
    // parameters), never written.
    return torch::from_blob(const_cast<void *>(view.data), view.shape, [owner](void *) {},
                            torch::TensorOptions().dtype(toScalarType(view.dtype)));
}

std::vector<TensorView> toViews(const std::map<std::string, torch::Tensor> &tensors)
{
    std::vector<TensorView> views;
    for (const auto &[name, tensor] : tensors) {
        auto copy = std::make_shared<torch::Tensor>(tensor.detach().to(torch::kCPU).contiguous());
        TensorView view;
        view.name = name;
        view.dtype = toDtype(copy->scalar_type(), name);
        view.shape = copy->sizes().vec();
        view.data = copy->data_ptr();
        view.byteSize = static_cast<std::size_t>(copy->numel()) * copy->element_size();
        view.owner = std::shared_ptr<const void>(copy, copy.get());
        views.push_back(std::move(view));
    }
    return views;
}

} // namespace rlrf::model
