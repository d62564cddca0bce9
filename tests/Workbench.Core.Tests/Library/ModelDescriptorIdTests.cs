using Workbench.Core.Library;

namespace Workbench.Core.Tests.Library;

public sealed class ModelDescriptorIdTests
{
    [Fact]
    public void The_id_is_sixteen_lowercase_hex_digits()
    {
        Assert.Matches("^[0-9a-f]{16}$", ModelDescriptor.CreateId("/models/a.gguf"));
    }

    [Fact]
    public void The_same_path_always_gives_the_same_id()
    {
        Assert.Equal(ModelDescriptor.CreateId("/models/a.gguf"), ModelDescriptor.CreateId("/models/./a.gguf"));
        Assert.Equal(ModelDescriptor.CreateId("/models/folder"), ModelDescriptor.CreateId("/models/folder/"));
    }

    [Fact]
    public void Different_paths_give_different_ids()
    {
        Assert.NotEqual(ModelDescriptor.CreateId("/models/a.gguf"), ModelDescriptor.CreateId("/models/b.gguf"));
    }
}
