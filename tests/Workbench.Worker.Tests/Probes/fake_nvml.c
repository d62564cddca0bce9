/*
 * A stand-in for libnvidia-ml.so.1 with canned readings, so the NVML probe can be tested on machines without an
 * NVIDIA GPU. Compiled by FakeNvmlLibrary at test time: cc -shared -fPIC fake_nvml.c -o libfake_nvml.so
 *
 * Two GPUs: 0 is an RTX 4090 (24 GiB), 1 an RTX 3060 (12 GiB).
 * Deliberate gaps: nvmlDeviceGetEnforcedPowerLimit is not exported at all, and nvmlDeviceGetTemperature fails
 * with NVML_ERROR_NOT_SUPPORTED on GPU 1.
 * The fake_* variables let a test change readings and count calls.
 */
#include <stddef.h>
#include <string.h>

typedef int nvmlReturn_t;
#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_NOT_FOUND 6
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_DRIVER_NOT_LOADED 9
#define NVML_VALUE_NOT_AVAILABLE (~0ULL)

#define MiB (1024ULL * 1024ULL)
#define GiB (1024ULL * MiB)

typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef struct fake_device {
    const char *name;
    const char *uuid;
    unsigned long long total;
    unsigned int gpu_util, mem_util;
    unsigned int power_mw;
    unsigned int sm_clock, mem_clock, max_mem_clock;
    unsigned int bus_width;
    unsigned int pcie_gen, pcie_width;
} fake_device;
typedef fake_device *nvmlDevice_t;

static fake_device devices[2] = {
    { "NVIDIA GeForce RTX 4090", "GPU-4090aaaa-0000-1111-2222-333344445555", 24 * GiB, 37, 12, 123456, 2520, 10501, 10501, 384, 4, 16 },
    { "NVIDIA GeForce RTX 3060", "GPU-3060bbbb-6666-7777-8888-999900001111", 12 * GiB, 5, 1, 15000, 210, 405, 7501, 192, 3, 8 },
};

/* Controls and counters for the tests. */
int fake_init_result = NVML_SUCCESS;
int fake_init_count = 0;
unsigned long long fake_used[2] = { 2 * GiB, 512 * MiB };
unsigned int fake_temperature[2] = { 45, 38 };
unsigned int fake_extra_processes = 0;
unsigned int fake_process_list_calls = 0;

#define REQUIRE_INIT() do { if (fake_init_count <= 0) return NVML_ERROR_UNINITIALIZED; } while (0)

static int device_index(nvmlDevice_t device)
{
    for (int i = 0; i < 2; i++)
        if (device == &devices[i]) return i;
    return -1;
}

#define REQUIRE_DEVICE(index) \
    REQUIRE_INIT(); \
    int index = device_index(device); \
    if (index < 0) return NVML_ERROR_INVALID_ARGUMENT

static nvmlReturn_t copy_text(const char *text, char *buffer, unsigned int length)
{
    if (buffer == NULL || strlen(text) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(buffer, text);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlInit_v2(void)
{
    if (fake_init_result != NVML_SUCCESS) return fake_init_result;
    fake_init_count++;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void)
{
    REQUIRE_INIT();
    fake_init_count--;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result)
{
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length)
{
    REQUIRE_INIT();
    return copy_text("550.54.14", version, length);
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *version)
{
    REQUIRE_INIT();
    *version = 12040;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetProcessName(unsigned int pid, char *name, unsigned int length)
{
    REQUIRE_INIT();
    if (pid == 4242) return copy_text("/usr/bin/python3", name, length);
    if (pid == 1000) return copy_text("/usr/lib/xorg/Xorg", name, length);
    return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count)
{
    REQUIRE_INIT();
    *count = 2;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
    REQUIRE_INIT();
    if (index >= 2) return NVML_ERROR_INVALID_ARGUMENT;
    *device = &devices[index];
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)
{
    REQUIRE_DEVICE(i);
    return copy_text(devices[i].name, name, length);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
{
    REQUIRE_DEVICE(i);
    return copy_text(devices[i].uuid, uuid, length);
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)
{
    REQUIRE_DEVICE(i);
    memory->total = devices[i].total;
    memory->used = fake_used[i];
    memory->free = devices[i].total - fake_used[i];
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization)
{
    REQUIRE_DEVICE(i);
    utilization->gpu = devices[i].gpu_util;
    utilization->memory = devices[i].mem_util;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int *temperature)
{
    REQUIRE_DEVICE(i);
    if (sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;
    if (i == 1) return NVML_ERROR_NOT_SUPPORTED;
    *temperature = fake_temperature[i];
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power)
{
    REQUIRE_DEVICE(i);
    *power = devices[i].power_mw;
    return NVML_SUCCESS;
}

/* nvmlDeviceGetEnforcedPowerLimit is deliberately not defined. */

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock)
{
    REQUIRE_DEVICE(i);
    if (type == 1) *clock = devices[i].sm_clock;
    else if (type == 2) *clock = devices[i].mem_clock;
    else return NVML_ERROR_INVALID_ARGUMENT;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, int type, unsigned int *clock)
{
    REQUIRE_DEVICE(i);
    if (type != 2) return NVML_ERROR_INVALID_ARGUMENT;
    *clock = devices[i].max_mem_clock;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryBusWidth(nvmlDevice_t device, unsigned int *width)
{
    REQUIRE_DEVICE(i);
    *width = devices[i].bus_width;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int *generation)
{
    REQUIRE_DEVICE(i);
    *generation = devices[i].pcie_gen;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int *width)
{
    REQUIRE_DEVICE(i);
    *width = devices[i].pcie_width;
    return NVML_SUCCESS;
}

/* Fills the caller's array the way NVML does: too small → the size needed and INSUFFICIENT_SIZE. */
static nvmlReturn_t fill(const nvmlProcessInfo_t *list, unsigned int n, unsigned int *count, nvmlProcessInfo_t *infos)
{
    if (*count < n) {
        *count = n;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    for (unsigned int k = 0; k < n; k++) infos[k] = list[k];
    *count = n;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos)
{
    REQUIRE_DEVICE(i);
    fake_process_list_calls++;
    nvmlProcessInfo_t list[64];
    unsigned int n = 0;
    if (i == 0) {
        list[n++] = (nvmlProcessInfo_t){ 4242, 1536 * MiB, 0xFFFFFFFF, 0xFFFFFFFF };
        list[n++] = (nvmlProcessInfo_t){ 2147483000u, NVML_VALUE_NOT_AVAILABLE, 0xFFFFFFFF, 0xFFFFFFFF };
        for (unsigned int k = 0; k < fake_extra_processes && n < 64; k++)
            list[n++] = (nvmlProcessInfo_t){ 5000 + k, (k + 1) * MiB, 0xFFFFFFFF, 0xFFFFFFFF };
    }
    return fill(list, n, count, infos);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos)
{
    REQUIRE_DEVICE(i);
    nvmlProcessInfo_t list[2];
    unsigned int n = 0;
    if (i == 0) {
        list[n++] = (nvmlProcessInfo_t){ 1000, 300 * MiB, 0xFFFFFFFF, 0xFFFFFFFF };
        /* A process with compute and graphics contexts appears in both lists. */
        list[n++] = (nvmlProcessInfo_t){ 4242, 1536 * MiB, 0xFFFFFFFF, 0xFFFFFFFF };
    }
    return fill(list, n, count, infos);
}
