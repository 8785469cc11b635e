/*
 * abi_check.c -- compares native-headers/jvirtio_kabi.h with the system's kernel and libc headers.
 *
 * Built and run by AbiCheckTest (gcc -I native-headers). It does two things:
 *
 *   1. For every item the system headers also define, it compares our value with the system's:
 *      struct sizes, field offsets and field sizes, constants and ioctl request numbers. Items the
 *      system headers are too old to have (Debian 12 ships 6.1 uapi headers: no iommufd.h, no vfio
 *      cdev) are skipped one by one via __has_include / #ifdef. Any disagreement is reported on
 *      stderr as "MISMATCH ..." and makes the exit status 1.
 *
 *   2. It prints our own values as name=value lines on stdout, independent of the system headers:
 *        sizeof.<struct>=N  offsetof.<struct>.<field>=N  fieldsize.<struct>.<field>=N
 *        const.<KABI_NAME>=N  ioctl.<REQUEST>=N  errno.<NAME>=N  ioc.<dir>.<type>.<nr>.<size>=N
 *        meta.<key>=N
 *      The Java side checks the jextract layouts, the Kabi constants, the Ioctl numbers and the Errno
 *      constants against these lines, and that nothing in them is left unchecked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "jvirtio_kabi.h"

#include <linux/vfio.h>
#if defined(__has_include)
#  if __has_include(<linux/iommufd.h>)
#    include <linux/iommufd.h>
#    define HAVE_IOMMUFD_H 1
#  endif
#  if __has_include(<asm-generic/hugetlb_encode.h>)
#    include <asm-generic/hugetlb_encode.h>
#  endif
#endif

static int compared;
static int mismatches;
static int skipped;

static void emit(const char *key, long long value)
{
    printf("%s=%lld\n", key, value);
}

static void compare(const char *what, long long ours, long long sys)
{
    compared++;
    if (ours != sys) {
        mismatches++;
        fprintf(stderr, "MISMATCH %s: ours=%lld system=%lld\n", what, ours, sys);
    }
}

/* Unused when the system headers have everything we describe. */
__attribute__((unused)) static void skip(const char *what)
{
    skipped++;
    fprintf(stderr, "skip %s (not in the system headers)\n", what);
}

#define MEMBER_SIZE(s, f) sizeof(((struct s *)0)->f)

/* Our layout, printed for the Java side. */
#define OUR_STRUCT(s)   emit("sizeof." #s, (long long)sizeof(struct s))
#define OUR_FIELD(s, f) do { emit("offsetof." #s "." #f, (long long)offsetof(struct s, f)); \
                             emit("fieldsize." #s "." #f, (long long)MEMBER_SIZE(s, f)); } while (0)
/* Flexible array members have no size; only the offset is printed. */
#define OUR_FLEX(s, f)  emit("offsetof." #s "." #f, (long long)offsetof(struct s, f))
#define OUR_CONST(c)    emit("const." #c, (long long)(c))

/* Our layout against the system's. */
#define SAME_SIZE(o, s) compare("sizeof " #o " vs " #s, (long long)sizeof(struct o), (long long)sizeof(struct s))
#define SAME_FIELD(o, of, s, sf) do { \
        compare("offsetof " #o "." #of " vs " #s "." #sf, (long long)offsetof(struct o, of), (long long)offsetof(struct s, sf)); \
        compare("sizeof " #o "." #of " vs " #s "." #sf, (long long)MEMBER_SIZE(o, of), (long long)MEMBER_SIZE(s, sf)); \
    } while (0)
#define SAME_FLEX(o, of, s, sf) \
        compare("offsetof " #o "." #of " vs " #s "." #sf, (long long)offsetof(struct o, of), (long long)offsetof(struct s, sf))
#define SAME_CONST(o, s) compare(#o " vs " #s, (long long)(o), (long long)(s))

/* An ioctl request: ours is computed from the header's building blocks. */
#define OUR_VFIO_IOCTL(name, cmd) emit("ioctl." #name, (long long)KABI_VFIO_REQUEST(cmd))
#define OUR_IOMMUFD_IOCTL(name, cmd) emit("ioctl." #name, (long long)KABI_IOMMUFD_REQUEST(cmd))

#define ERRNO(e) emit("errno." #e, (long long)(e))

static void print_our_layouts(void)
{
    OUR_STRUCT(kabi_vfio_info_cap_header);
    OUR_FIELD(kabi_vfio_info_cap_header, id);
    OUR_FIELD(kabi_vfio_info_cap_header, version);
    OUR_FIELD(kabi_vfio_info_cap_header, next);

    OUR_STRUCT(kabi_vfio_group_status);
    OUR_FIELD(kabi_vfio_group_status, argsz);
    OUR_FIELD(kabi_vfio_group_status, flags);

    OUR_STRUCT(kabi_vfio_device_info);
    OUR_FIELD(kabi_vfio_device_info, argsz);
    OUR_FIELD(kabi_vfio_device_info, flags);
    OUR_FIELD(kabi_vfio_device_info, num_regions);
    OUR_FIELD(kabi_vfio_device_info, num_irqs);
    OUR_FIELD(kabi_vfio_device_info, cap_offset);
    OUR_FIELD(kabi_vfio_device_info, pad);

    OUR_STRUCT(kabi_vfio_region_info);
    OUR_FIELD(kabi_vfio_region_info, argsz);
    OUR_FIELD(kabi_vfio_region_info, flags);
    OUR_FIELD(kabi_vfio_region_info, index);
    OUR_FIELD(kabi_vfio_region_info, cap_offset);
    OUR_FIELD(kabi_vfio_region_info, size);
    OUR_FIELD(kabi_vfio_region_info, offset);

    OUR_STRUCT(kabi_vfio_region_sparse_mmap_area);
    OUR_FIELD(kabi_vfio_region_sparse_mmap_area, offset);
    OUR_FIELD(kabi_vfio_region_sparse_mmap_area, size);

    OUR_STRUCT(kabi_vfio_region_info_cap_sparse_mmap);
    OUR_FIELD(kabi_vfio_region_info_cap_sparse_mmap, header);
    OUR_FIELD(kabi_vfio_region_info_cap_sparse_mmap, nr_areas);
    OUR_FIELD(kabi_vfio_region_info_cap_sparse_mmap, reserved);
    OUR_FLEX(kabi_vfio_region_info_cap_sparse_mmap, areas);

    OUR_STRUCT(kabi_vfio_region_info_cap_type);
    OUR_FIELD(kabi_vfio_region_info_cap_type, header);
    OUR_FIELD(kabi_vfio_region_info_cap_type, type);
    OUR_FIELD(kabi_vfio_region_info_cap_type, subtype);

    OUR_STRUCT(kabi_vfio_irq_info);
    OUR_FIELD(kabi_vfio_irq_info, argsz);
    OUR_FIELD(kabi_vfio_irq_info, flags);
    OUR_FIELD(kabi_vfio_irq_info, index);
    OUR_FIELD(kabi_vfio_irq_info, count);

    OUR_STRUCT(kabi_vfio_irq_set);
    OUR_FIELD(kabi_vfio_irq_set, argsz);
    OUR_FIELD(kabi_vfio_irq_set, flags);
    OUR_FIELD(kabi_vfio_irq_set, index);
    OUR_FIELD(kabi_vfio_irq_set, start);
    OUR_FIELD(kabi_vfio_irq_set, count);
    OUR_FLEX(kabi_vfio_irq_set, data);

    OUR_STRUCT(kabi_vfio_device_feature);
    OUR_FIELD(kabi_vfio_device_feature, argsz);
    OUR_FIELD(kabi_vfio_device_feature, flags);
    OUR_FLEX(kabi_vfio_device_feature, data);

    OUR_STRUCT(kabi_vfio_iommu_type1_info);
    OUR_FIELD(kabi_vfio_iommu_type1_info, argsz);
    OUR_FIELD(kabi_vfio_iommu_type1_info, flags);
    OUR_FIELD(kabi_vfio_iommu_type1_info, iova_pgsizes);
    OUR_FIELD(kabi_vfio_iommu_type1_info, cap_offset);
    OUR_FIELD(kabi_vfio_iommu_type1_info, pad);

    OUR_STRUCT(kabi_vfio_iova_range);
    OUR_FIELD(kabi_vfio_iova_range, start);
    OUR_FIELD(kabi_vfio_iova_range, end);

    OUR_STRUCT(kabi_vfio_iommu_type1_info_cap_iova_range);
    OUR_FIELD(kabi_vfio_iommu_type1_info_cap_iova_range, header);
    OUR_FIELD(kabi_vfio_iommu_type1_info_cap_iova_range, nr_iovas);
    OUR_FIELD(kabi_vfio_iommu_type1_info_cap_iova_range, reserved);
    OUR_FLEX(kabi_vfio_iommu_type1_info_cap_iova_range, iova_ranges);

    OUR_STRUCT(kabi_vfio_iommu_type1_info_dma_avail);
    OUR_FIELD(kabi_vfio_iommu_type1_info_dma_avail, header);
    OUR_FIELD(kabi_vfio_iommu_type1_info_dma_avail, avail);

    OUR_STRUCT(kabi_vfio_iommu_type1_dma_map);
    OUR_FIELD(kabi_vfio_iommu_type1_dma_map, argsz);
    OUR_FIELD(kabi_vfio_iommu_type1_dma_map, flags);
    OUR_FIELD(kabi_vfio_iommu_type1_dma_map, vaddr);
    OUR_FIELD(kabi_vfio_iommu_type1_dma_map, iova);
    OUR_FIELD(kabi_vfio_iommu_type1_dma_map, size);

    OUR_STRUCT(kabi_vfio_iommu_type1_dma_unmap);
    OUR_FIELD(kabi_vfio_iommu_type1_dma_unmap, argsz);
    OUR_FIELD(kabi_vfio_iommu_type1_dma_unmap, flags);
    OUR_FIELD(kabi_vfio_iommu_type1_dma_unmap, iova);
    OUR_FIELD(kabi_vfio_iommu_type1_dma_unmap, size);
    OUR_FLEX(kabi_vfio_iommu_type1_dma_unmap, data);

    OUR_STRUCT(kabi_vfio_device_bind_iommufd);
    OUR_FIELD(kabi_vfio_device_bind_iommufd, argsz);
    OUR_FIELD(kabi_vfio_device_bind_iommufd, flags);
    OUR_FIELD(kabi_vfio_device_bind_iommufd, iommufd);
    OUR_FIELD(kabi_vfio_device_bind_iommufd, out_devid);
    OUR_FIELD(kabi_vfio_device_bind_iommufd, token_uuid_ptr);

    OUR_STRUCT(kabi_vfio_device_attach_iommufd_pt);
    OUR_FIELD(kabi_vfio_device_attach_iommufd_pt, argsz);
    OUR_FIELD(kabi_vfio_device_attach_iommufd_pt, flags);
    OUR_FIELD(kabi_vfio_device_attach_iommufd_pt, pt_id);
    OUR_FIELD(kabi_vfio_device_attach_iommufd_pt, pasid);

    OUR_STRUCT(kabi_vfio_device_detach_iommufd_pt);
    OUR_FIELD(kabi_vfio_device_detach_iommufd_pt, argsz);
    OUR_FIELD(kabi_vfio_device_detach_iommufd_pt, flags);
    OUR_FIELD(kabi_vfio_device_detach_iommufd_pt, pasid);

    OUR_STRUCT(kabi_iommu_destroy);
    OUR_FIELD(kabi_iommu_destroy, size);
    OUR_FIELD(kabi_iommu_destroy, id);

    OUR_STRUCT(kabi_iommu_ioas_alloc);
    OUR_FIELD(kabi_iommu_ioas_alloc, size);
    OUR_FIELD(kabi_iommu_ioas_alloc, flags);
    OUR_FIELD(kabi_iommu_ioas_alloc, out_ioas_id);

    OUR_STRUCT(kabi_iommu_iova_range);
    OUR_FIELD(kabi_iommu_iova_range, start);
    OUR_FIELD(kabi_iommu_iova_range, last);

    OUR_STRUCT(kabi_iommu_ioas_iova_ranges);
    OUR_FIELD(kabi_iommu_ioas_iova_ranges, size);
    OUR_FIELD(kabi_iommu_ioas_iova_ranges, ioas_id);
    OUR_FIELD(kabi_iommu_ioas_iova_ranges, num_iovas);
    OUR_FIELD(kabi_iommu_ioas_iova_ranges, reserved);
    OUR_FIELD(kabi_iommu_ioas_iova_ranges, allowed_iovas);
    OUR_FIELD(kabi_iommu_ioas_iova_ranges, out_iova_alignment);

    OUR_STRUCT(kabi_iommu_ioas_map);
    OUR_FIELD(kabi_iommu_ioas_map, size);
    OUR_FIELD(kabi_iommu_ioas_map, flags);
    OUR_FIELD(kabi_iommu_ioas_map, ioas_id);
    OUR_FIELD(kabi_iommu_ioas_map, reserved);
    OUR_FIELD(kabi_iommu_ioas_map, user_va);
    OUR_FIELD(kabi_iommu_ioas_map, length);
    OUR_FIELD(kabi_iommu_ioas_map, iova);

    OUR_STRUCT(kabi_iommu_ioas_map_file);
    OUR_FIELD(kabi_iommu_ioas_map_file, size);
    OUR_FIELD(kabi_iommu_ioas_map_file, flags);
    OUR_FIELD(kabi_iommu_ioas_map_file, ioas_id);
    OUR_FIELD(kabi_iommu_ioas_map_file, fd);
    OUR_FIELD(kabi_iommu_ioas_map_file, start);
    OUR_FIELD(kabi_iommu_ioas_map_file, length);
    OUR_FIELD(kabi_iommu_ioas_map_file, iova);

    OUR_STRUCT(kabi_iommu_ioas_unmap);
    OUR_FIELD(kabi_iommu_ioas_unmap, size);
    OUR_FIELD(kabi_iommu_ioas_unmap, ioas_id);
    OUR_FIELD(kabi_iommu_ioas_unmap, iova);
    OUR_FIELD(kabi_iommu_ioas_unmap, length);
}

static void print_our_constants(void)
{
    OUR_CONST(KABI_IOC_NRBITS);
    OUR_CONST(KABI_IOC_TYPEBITS);
    OUR_CONST(KABI_IOC_SIZEBITS);
    OUR_CONST(KABI_IOC_DIRBITS);
    OUR_CONST(KABI_IOC_NRSHIFT);
    OUR_CONST(KABI_IOC_TYPESHIFT);
    OUR_CONST(KABI_IOC_SIZESHIFT);
    OUR_CONST(KABI_IOC_DIRSHIFT);
    OUR_CONST(KABI_IOC_NONE);
    OUR_CONST(KABI_IOC_WRITE);
    OUR_CONST(KABI_IOC_READ);

    OUR_CONST(KABI_VFIO_API_VERSION);
    OUR_CONST(KABI_VFIO_TYPE1_IOMMU);
    OUR_CONST(KABI_VFIO_TYPE1v2_IOMMU);
    OUR_CONST(KABI_VFIO_DMA_CC_IOMMU);
    OUR_CONST(KABI_VFIO_NOIOMMU_IOMMU);
    OUR_CONST(KABI_VFIO_UNMAP_ALL);
    OUR_CONST(KABI_VFIO_TYPE);
    OUR_CONST(KABI_VFIO_BASE);
    OUR_CONST(KABI_VFIO_CMD_GET_API_VERSION);
    OUR_CONST(KABI_VFIO_CMD_CHECK_EXTENSION);
    OUR_CONST(KABI_VFIO_CMD_SET_IOMMU);
    OUR_CONST(KABI_VFIO_CMD_GROUP_GET_STATUS);
    OUR_CONST(KABI_VFIO_CMD_GROUP_SET_CONTAINER);
    OUR_CONST(KABI_VFIO_CMD_GROUP_UNSET_CONTAINER);
    OUR_CONST(KABI_VFIO_CMD_GROUP_GET_DEVICE_FD);
    OUR_CONST(KABI_VFIO_CMD_DEVICE_GET_INFO);
    OUR_CONST(KABI_VFIO_CMD_DEVICE_GET_REGION_INFO);
    OUR_CONST(KABI_VFIO_CMD_DEVICE_GET_IRQ_INFO);
    OUR_CONST(KABI_VFIO_CMD_DEVICE_SET_IRQS);
    OUR_CONST(KABI_VFIO_CMD_DEVICE_RESET);
    OUR_CONST(KABI_VFIO_CMD_IOMMU_GET_INFO);
    OUR_CONST(KABI_VFIO_CMD_IOMMU_MAP_DMA);
    OUR_CONST(KABI_VFIO_CMD_IOMMU_UNMAP_DMA);
    OUR_CONST(KABI_VFIO_CMD_DEVICE_FEATURE);
    OUR_CONST(KABI_VFIO_CMD_DEVICE_BIND_IOMMUFD);
    OUR_CONST(KABI_VFIO_CMD_DEVICE_ATTACH_IOMMUFD_PT);
    OUR_CONST(KABI_VFIO_CMD_DEVICE_DETACH_IOMMUFD_PT);

    OUR_CONST(KABI_VFIO_GROUP_FLAGS_VIABLE);
    OUR_CONST(KABI_VFIO_GROUP_FLAGS_CONTAINER_SET);
    OUR_CONST(KABI_VFIO_DEVICE_FLAGS_RESET);
    OUR_CONST(KABI_VFIO_DEVICE_FLAGS_PCI);
    OUR_CONST(KABI_VFIO_DEVICE_FLAGS_CAPS);
    OUR_CONST(KABI_VFIO_REGION_INFO_FLAG_READ);
    OUR_CONST(KABI_VFIO_REGION_INFO_FLAG_WRITE);
    OUR_CONST(KABI_VFIO_REGION_INFO_FLAG_MMAP);
    OUR_CONST(KABI_VFIO_REGION_INFO_FLAG_CAPS);
    OUR_CONST(KABI_VFIO_REGION_INFO_CAP_SPARSE_MMAP);
    OUR_CONST(KABI_VFIO_REGION_INFO_CAP_TYPE);
    OUR_CONST(KABI_VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
    OUR_CONST(KABI_VFIO_PCI_BAR0_REGION_INDEX);
    OUR_CONST(KABI_VFIO_PCI_BAR1_REGION_INDEX);
    OUR_CONST(KABI_VFIO_PCI_BAR2_REGION_INDEX);
    OUR_CONST(KABI_VFIO_PCI_BAR3_REGION_INDEX);
    OUR_CONST(KABI_VFIO_PCI_BAR4_REGION_INDEX);
    OUR_CONST(KABI_VFIO_PCI_BAR5_REGION_INDEX);
    OUR_CONST(KABI_VFIO_PCI_ROM_REGION_INDEX);
    OUR_CONST(KABI_VFIO_PCI_CONFIG_REGION_INDEX);
    OUR_CONST(KABI_VFIO_PCI_VGA_REGION_INDEX);
    OUR_CONST(KABI_VFIO_PCI_NUM_REGIONS);
    OUR_CONST(KABI_VFIO_PCI_INTX_IRQ_INDEX);
    OUR_CONST(KABI_VFIO_PCI_MSI_IRQ_INDEX);
    OUR_CONST(KABI_VFIO_PCI_MSIX_IRQ_INDEX);
    OUR_CONST(KABI_VFIO_PCI_ERR_IRQ_INDEX);
    OUR_CONST(KABI_VFIO_PCI_REQ_IRQ_INDEX);
    OUR_CONST(KABI_VFIO_PCI_NUM_IRQS);
    OUR_CONST(KABI_VFIO_IRQ_INFO_EVENTFD);
    OUR_CONST(KABI_VFIO_IRQ_INFO_MASKABLE);
    OUR_CONST(KABI_VFIO_IRQ_INFO_AUTOMASKED);
    OUR_CONST(KABI_VFIO_IRQ_INFO_NORESIZE);
    OUR_CONST(KABI_VFIO_IRQ_SET_DATA_NONE);
    OUR_CONST(KABI_VFIO_IRQ_SET_DATA_BOOL);
    OUR_CONST(KABI_VFIO_IRQ_SET_DATA_EVENTFD);
    OUR_CONST(KABI_VFIO_IRQ_SET_ACTION_MASK);
    OUR_CONST(KABI_VFIO_IRQ_SET_ACTION_UNMASK);
    OUR_CONST(KABI_VFIO_IRQ_SET_ACTION_TRIGGER);
    OUR_CONST(KABI_VFIO_DEVICE_FEATURE_MASK);
    OUR_CONST(KABI_VFIO_DEVICE_FEATURE_GET);
    OUR_CONST(KABI_VFIO_DEVICE_FEATURE_SET);
    OUR_CONST(KABI_VFIO_DEVICE_FEATURE_PROBE);
    OUR_CONST(KABI_VFIO_DEVICE_FEATURE_PCI_VF_TOKEN);
    OUR_CONST(KABI_VFIO_VF_TOKEN_SIZE);
    OUR_CONST(KABI_VFIO_IOMMU_INFO_PGSIZES);
    OUR_CONST(KABI_VFIO_IOMMU_INFO_CAPS);
    OUR_CONST(KABI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
    OUR_CONST(KABI_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
    OUR_CONST(KABI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
    OUR_CONST(KABI_VFIO_DMA_MAP_FLAG_READ);
    OUR_CONST(KABI_VFIO_DMA_MAP_FLAG_WRITE);
    OUR_CONST(KABI_VFIO_DMA_MAP_FLAG_VADDR);
    OUR_CONST(KABI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);
    OUR_CONST(KABI_VFIO_DMA_UNMAP_FLAG_ALL);
    OUR_CONST(KABI_VFIO_DMA_UNMAP_FLAG_VADDR);
    OUR_CONST(KABI_VFIO_DEVICE_BIND_FLAG_TOKEN);
    OUR_CONST(KABI_VFIO_DEVICE_ATTACH_PASID);
    OUR_CONST(KABI_VFIO_DEVICE_DETACH_PASID);

    OUR_CONST(KABI_IOMMUFD_TYPE);
    OUR_CONST(KABI_IOMMUFD_CMD_DESTROY);
    OUR_CONST(KABI_IOMMUFD_CMD_IOAS_ALLOC);
    OUR_CONST(KABI_IOMMUFD_CMD_IOAS_ALLOW_IOVAS);
    OUR_CONST(KABI_IOMMUFD_CMD_IOAS_COPY);
    OUR_CONST(KABI_IOMMUFD_CMD_IOAS_IOVA_RANGES);
    OUR_CONST(KABI_IOMMUFD_CMD_IOAS_MAP);
    OUR_CONST(KABI_IOMMUFD_CMD_IOAS_UNMAP);
    OUR_CONST(KABI_IOMMUFD_CMD_OPTION);
    OUR_CONST(KABI_IOMMUFD_CMD_VFIO_IOAS);
    OUR_CONST(KABI_IOMMUFD_CMD_IOAS_MAP_FILE);
    OUR_CONST(KABI_IOMMU_IOAS_MAP_FIXED_IOVA);
    OUR_CONST(KABI_IOMMU_IOAS_MAP_WRITEABLE);
    OUR_CONST(KABI_IOMMU_IOAS_MAP_READABLE);

    OUR_CONST(KABI_O_RDONLY);
    OUR_CONST(KABI_O_WRONLY);
    OUR_CONST(KABI_O_RDWR);
    OUR_CONST(KABI_O_NONBLOCK);
    OUR_CONST(KABI_O_CLOEXEC);
    OUR_CONST(KABI_PROT_NONE);
    OUR_CONST(KABI_PROT_READ);
    OUR_CONST(KABI_PROT_WRITE);
    OUR_CONST(KABI_PROT_EXEC);
    OUR_CONST(KABI_MAP_SHARED);
    OUR_CONST(KABI_MAP_PRIVATE);
    OUR_CONST(KABI_MAP_FIXED);
    OUR_CONST(KABI_MAP_ANONYMOUS);
    OUR_CONST(KABI_MAP_LOCKED);
    OUR_CONST(KABI_MAP_NORESERVE);
    OUR_CONST(KABI_MAP_POPULATE);
    OUR_CONST(KABI_MAP_HUGETLB);
    OUR_CONST(KABI_MAP_HUGE_SHIFT);
    OUR_CONST(KABI_MAP_HUGE_MASK);
    OUR_CONST(KABI_MAP_HUGE_2MB);
    OUR_CONST(KABI_MAP_HUGE_1GB);
    OUR_CONST(KABI_MFD_CLOEXEC);
    OUR_CONST(KABI_MFD_ALLOW_SEALING);
    OUR_CONST(KABI_MFD_HUGETLB);
    OUR_CONST(KABI_MFD_HUGE_SHIFT);
    OUR_CONST(KABI_MFD_HUGE_MASK);
    OUR_CONST(KABI_MFD_HUGE_2MB);
    OUR_CONST(KABI_MFD_HUGE_1GB);
    OUR_CONST(KABI_EFD_SEMAPHORE);
    OUR_CONST(KABI_EFD_NONBLOCK);
    OUR_CONST(KABI_EFD_CLOEXEC);
}

static void print_our_ioctls(void)
{
    OUR_VFIO_IOCTL(VFIO_GET_API_VERSION, KABI_VFIO_CMD_GET_API_VERSION);
    OUR_VFIO_IOCTL(VFIO_CHECK_EXTENSION, KABI_VFIO_CMD_CHECK_EXTENSION);
    OUR_VFIO_IOCTL(VFIO_SET_IOMMU, KABI_VFIO_CMD_SET_IOMMU);
    OUR_VFIO_IOCTL(VFIO_GROUP_GET_STATUS, KABI_VFIO_CMD_GROUP_GET_STATUS);
    OUR_VFIO_IOCTL(VFIO_GROUP_SET_CONTAINER, KABI_VFIO_CMD_GROUP_SET_CONTAINER);
    OUR_VFIO_IOCTL(VFIO_GROUP_UNSET_CONTAINER, KABI_VFIO_CMD_GROUP_UNSET_CONTAINER);
    OUR_VFIO_IOCTL(VFIO_GROUP_GET_DEVICE_FD, KABI_VFIO_CMD_GROUP_GET_DEVICE_FD);
    OUR_VFIO_IOCTL(VFIO_DEVICE_GET_INFO, KABI_VFIO_CMD_DEVICE_GET_INFO);
    OUR_VFIO_IOCTL(VFIO_DEVICE_GET_REGION_INFO, KABI_VFIO_CMD_DEVICE_GET_REGION_INFO);
    OUR_VFIO_IOCTL(VFIO_DEVICE_GET_IRQ_INFO, KABI_VFIO_CMD_DEVICE_GET_IRQ_INFO);
    OUR_VFIO_IOCTL(VFIO_DEVICE_SET_IRQS, KABI_VFIO_CMD_DEVICE_SET_IRQS);
    OUR_VFIO_IOCTL(VFIO_DEVICE_RESET, KABI_VFIO_CMD_DEVICE_RESET);
    OUR_VFIO_IOCTL(VFIO_IOMMU_GET_INFO, KABI_VFIO_CMD_IOMMU_GET_INFO);
    OUR_VFIO_IOCTL(VFIO_IOMMU_MAP_DMA, KABI_VFIO_CMD_IOMMU_MAP_DMA);
    OUR_VFIO_IOCTL(VFIO_IOMMU_UNMAP_DMA, KABI_VFIO_CMD_IOMMU_UNMAP_DMA);
    OUR_VFIO_IOCTL(VFIO_DEVICE_FEATURE, KABI_VFIO_CMD_DEVICE_FEATURE);
    OUR_VFIO_IOCTL(VFIO_DEVICE_BIND_IOMMUFD, KABI_VFIO_CMD_DEVICE_BIND_IOMMUFD);
    OUR_VFIO_IOCTL(VFIO_DEVICE_ATTACH_IOMMUFD_PT, KABI_VFIO_CMD_DEVICE_ATTACH_IOMMUFD_PT);
    OUR_VFIO_IOCTL(VFIO_DEVICE_DETACH_IOMMUFD_PT, KABI_VFIO_CMD_DEVICE_DETACH_IOMMUFD_PT);
    OUR_IOMMUFD_IOCTL(IOMMU_DESTROY, KABI_IOMMUFD_CMD_DESTROY);
    OUR_IOMMUFD_IOCTL(IOMMU_IOAS_ALLOC, KABI_IOMMUFD_CMD_IOAS_ALLOC);
    OUR_IOMMUFD_IOCTL(IOMMU_IOAS_IOVA_RANGES, KABI_IOMMUFD_CMD_IOAS_IOVA_RANGES);
    OUR_IOMMUFD_IOCTL(IOMMU_IOAS_MAP, KABI_IOMMUFD_CMD_IOAS_MAP);
    OUR_IOMMUFD_IOCTL(IOMMU_IOAS_MAP_FILE, KABI_IOMMUFD_CMD_IOAS_MAP_FILE);
    OUR_IOMMUFD_IOCTL(IOMMU_IOAS_UNMAP, KABI_IOMMUFD_CMD_IOAS_UNMAP);
}

/*
 * The request encoder itself, on requests with a direction and a size (VFIO and iommufd use none):
 * the system's _IOC family against ours, and printed so the Java encoder can be checked too.
 */
static void check_encoder(void)
{
    static const struct { unsigned dir, type, nr, size; } cases[] = {
        { _IOC_NONE, ';', 100, 0 },
        { _IOC_READ, 'V', 0, 104 },
        { _IOC_WRITE, ';', 1, 4 },
        { _IOC_READ | _IOC_WRITE, 0xff, 0xff, 0x3fff },
        { _IOC_READ | _IOC_WRITE, 'T', 0x13, 24 },
        { _IOC_WRITE, 0, 0, 1 },
    };
    char key[96];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned long sys = _IOC(cases[i].dir, cases[i].type, cases[i].nr, cases[i].size);
        uint32_t ours = KABI_IOC(cases[i].dir, cases[i].type, cases[i].nr, cases[i].size);
        snprintf(key, sizeof key, "ioc.%u.%u.%u.%u", cases[i].dir, cases[i].type, cases[i].nr, cases[i].size);
        compare(key, (long long)ours, (long long)sys);
        emit(key, (long long)ours);
    }
    SAME_CONST(KABI_IOC_NONE, _IOC_NONE);
    SAME_CONST(KABI_IOC_READ, _IOC_READ);
    SAME_CONST(KABI_IOC_WRITE, _IOC_WRITE);
    SAME_CONST(KABI_IOC_NRBITS, _IOC_NRBITS);
    SAME_CONST(KABI_IOC_TYPEBITS, _IOC_TYPEBITS);
    SAME_CONST(KABI_IOC_SIZEBITS, _IOC_SIZEBITS);
    SAME_CONST(KABI_IOC_DIRBITS, _IOC_DIRBITS);
    SAME_CONST(KABI_IOC_NRSHIFT, _IOC_NRSHIFT);
    SAME_CONST(KABI_IOC_TYPESHIFT, _IOC_TYPESHIFT);
    SAME_CONST(KABI_IOC_SIZESHIFT, _IOC_SIZESHIFT);
    SAME_CONST(KABI_IOC_DIRSHIFT, _IOC_DIRSHIFT);
}

static void check_vfio(void)
{
    SAME_CONST(KABI_VFIO_API_VERSION, VFIO_API_VERSION);
    SAME_CONST(KABI_VFIO_TYPE1_IOMMU, VFIO_TYPE1_IOMMU);
    SAME_CONST(KABI_VFIO_TYPE1v2_IOMMU, VFIO_TYPE1v2_IOMMU);
    SAME_CONST(KABI_VFIO_DMA_CC_IOMMU, VFIO_DMA_CC_IOMMU);
    SAME_CONST(KABI_VFIO_NOIOMMU_IOMMU, VFIO_NOIOMMU_IOMMU);
    SAME_CONST(KABI_VFIO_UNMAP_ALL, VFIO_UNMAP_ALL);
    SAME_CONST(KABI_VFIO_TYPE, VFIO_TYPE);
    SAME_CONST(KABI_VFIO_BASE, VFIO_BASE);

    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_GET_API_VERSION), VFIO_GET_API_VERSION);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_CHECK_EXTENSION), VFIO_CHECK_EXTENSION);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_SET_IOMMU), VFIO_SET_IOMMU);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_GROUP_GET_STATUS), VFIO_GROUP_GET_STATUS);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_GROUP_SET_CONTAINER), VFIO_GROUP_SET_CONTAINER);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_GROUP_UNSET_CONTAINER), VFIO_GROUP_UNSET_CONTAINER);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_GROUP_GET_DEVICE_FD), VFIO_GROUP_GET_DEVICE_FD);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_DEVICE_GET_INFO), VFIO_DEVICE_GET_INFO);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_DEVICE_GET_REGION_INFO), VFIO_DEVICE_GET_REGION_INFO);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_DEVICE_GET_IRQ_INFO), VFIO_DEVICE_GET_IRQ_INFO);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_DEVICE_SET_IRQS), VFIO_DEVICE_SET_IRQS);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_DEVICE_RESET), VFIO_DEVICE_RESET);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_IOMMU_GET_INFO), VFIO_IOMMU_GET_INFO);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_IOMMU_MAP_DMA), VFIO_IOMMU_MAP_DMA);
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_IOMMU_UNMAP_DMA), VFIO_IOMMU_UNMAP_DMA);
#ifdef VFIO_DEVICE_FEATURE
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_DEVICE_FEATURE), VFIO_DEVICE_FEATURE);
#else
    skip("VFIO_DEVICE_FEATURE");
#endif

    /* capability header */
    SAME_SIZE(kabi_vfio_info_cap_header, vfio_info_cap_header);
    SAME_FIELD(kabi_vfio_info_cap_header, id, vfio_info_cap_header, id);
    SAME_FIELD(kabi_vfio_info_cap_header, version, vfio_info_cap_header, version);
    SAME_FIELD(kabi_vfio_info_cap_header, next, vfio_info_cap_header, next);

    /* group */
    SAME_SIZE(kabi_vfio_group_status, vfio_group_status);
    SAME_FIELD(kabi_vfio_group_status, argsz, vfio_group_status, argsz);
    SAME_FIELD(kabi_vfio_group_status, flags, vfio_group_status, flags);
    SAME_CONST(KABI_VFIO_GROUP_FLAGS_VIABLE, VFIO_GROUP_FLAGS_VIABLE);
    SAME_CONST(KABI_VFIO_GROUP_FLAGS_CONTAINER_SET, VFIO_GROUP_FLAGS_CONTAINER_SET);

    /* device info: newer headers name a trailing pad word, older ones end after cap_offset */
    compare("sizeof kabi_vfio_device_info vs vfio_device_info (with or without the trailing pad)",
            sizeof(struct vfio_device_info) == sizeof(struct kabi_vfio_device_info)
                    ? (long long)sizeof(struct kabi_vfio_device_info)
                    : (long long)offsetof(struct kabi_vfio_device_info, pad),
            (long long)sizeof(struct vfio_device_info));
    SAME_FIELD(kabi_vfio_device_info, argsz, vfio_device_info, argsz);
    SAME_FIELD(kabi_vfio_device_info, flags, vfio_device_info, flags);
    SAME_FIELD(kabi_vfio_device_info, num_regions, vfio_device_info, num_regions);
    SAME_FIELD(kabi_vfio_device_info, num_irqs, vfio_device_info, num_irqs);
    SAME_FIELD(kabi_vfio_device_info, cap_offset, vfio_device_info, cap_offset);
    SAME_CONST(KABI_VFIO_DEVICE_FLAGS_RESET, VFIO_DEVICE_FLAGS_RESET);
    SAME_CONST(KABI_VFIO_DEVICE_FLAGS_PCI, VFIO_DEVICE_FLAGS_PCI);
    SAME_CONST(KABI_VFIO_DEVICE_FLAGS_CAPS, VFIO_DEVICE_FLAGS_CAPS);

    /* regions */
    SAME_SIZE(kabi_vfio_region_info, vfio_region_info);
    SAME_FIELD(kabi_vfio_region_info, argsz, vfio_region_info, argsz);
    SAME_FIELD(kabi_vfio_region_info, flags, vfio_region_info, flags);
    SAME_FIELD(kabi_vfio_region_info, index, vfio_region_info, index);
    SAME_FIELD(kabi_vfio_region_info, cap_offset, vfio_region_info, cap_offset);
    SAME_FIELD(kabi_vfio_region_info, size, vfio_region_info, size);
    SAME_FIELD(kabi_vfio_region_info, offset, vfio_region_info, offset);
    SAME_CONST(KABI_VFIO_REGION_INFO_FLAG_READ, VFIO_REGION_INFO_FLAG_READ);
    SAME_CONST(KABI_VFIO_REGION_INFO_FLAG_WRITE, VFIO_REGION_INFO_FLAG_WRITE);
    SAME_CONST(KABI_VFIO_REGION_INFO_FLAG_MMAP, VFIO_REGION_INFO_FLAG_MMAP);
    SAME_CONST(KABI_VFIO_REGION_INFO_FLAG_CAPS, VFIO_REGION_INFO_FLAG_CAPS);
    SAME_CONST(KABI_VFIO_REGION_INFO_CAP_SPARSE_MMAP, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
    SAME_CONST(KABI_VFIO_REGION_INFO_CAP_TYPE, VFIO_REGION_INFO_CAP_TYPE);
#ifdef VFIO_REGION_INFO_CAP_MSIX_MAPPABLE
    SAME_CONST(KABI_VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
#else
    skip("VFIO_REGION_INFO_CAP_MSIX_MAPPABLE");
#endif
    SAME_SIZE(kabi_vfio_region_sparse_mmap_area, vfio_region_sparse_mmap_area);
    SAME_FIELD(kabi_vfio_region_sparse_mmap_area, offset, vfio_region_sparse_mmap_area, offset);
    SAME_FIELD(kabi_vfio_region_sparse_mmap_area, size, vfio_region_sparse_mmap_area, size);
    SAME_SIZE(kabi_vfio_region_info_cap_sparse_mmap, vfio_region_info_cap_sparse_mmap);
    SAME_FIELD(kabi_vfio_region_info_cap_sparse_mmap, header, vfio_region_info_cap_sparse_mmap, header);
    SAME_FIELD(kabi_vfio_region_info_cap_sparse_mmap, nr_areas, vfio_region_info_cap_sparse_mmap, nr_areas);
    SAME_FIELD(kabi_vfio_region_info_cap_sparse_mmap, reserved, vfio_region_info_cap_sparse_mmap, reserved);
    SAME_FLEX(kabi_vfio_region_info_cap_sparse_mmap, areas, vfio_region_info_cap_sparse_mmap, areas);
    SAME_SIZE(kabi_vfio_region_info_cap_type, vfio_region_info_cap_type);
    SAME_FIELD(kabi_vfio_region_info_cap_type, header, vfio_region_info_cap_type, header);
    SAME_FIELD(kabi_vfio_region_info_cap_type, type, vfio_region_info_cap_type, type);
    SAME_FIELD(kabi_vfio_region_info_cap_type, subtype, vfio_region_info_cap_type, subtype);

    /* fixed vfio-pci indexes (enumerators in the system header) */
    SAME_CONST(KABI_VFIO_PCI_BAR0_REGION_INDEX, VFIO_PCI_BAR0_REGION_INDEX);
    SAME_CONST(KABI_VFIO_PCI_BAR1_REGION_INDEX, VFIO_PCI_BAR1_REGION_INDEX);
    SAME_CONST(KABI_VFIO_PCI_BAR2_REGION_INDEX, VFIO_PCI_BAR2_REGION_INDEX);
    SAME_CONST(KABI_VFIO_PCI_BAR3_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX);
    SAME_CONST(KABI_VFIO_PCI_BAR4_REGION_INDEX, VFIO_PCI_BAR4_REGION_INDEX);
    SAME_CONST(KABI_VFIO_PCI_BAR5_REGION_INDEX, VFIO_PCI_BAR5_REGION_INDEX);
    SAME_CONST(KABI_VFIO_PCI_ROM_REGION_INDEX, VFIO_PCI_ROM_REGION_INDEX);
    SAME_CONST(KABI_VFIO_PCI_CONFIG_REGION_INDEX, VFIO_PCI_CONFIG_REGION_INDEX);
    SAME_CONST(KABI_VFIO_PCI_VGA_REGION_INDEX, VFIO_PCI_VGA_REGION_INDEX);
    SAME_CONST(KABI_VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_REGIONS);
    SAME_CONST(KABI_VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_INTX_IRQ_INDEX);
    SAME_CONST(KABI_VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX);
    SAME_CONST(KABI_VFIO_PCI_MSIX_IRQ_INDEX, VFIO_PCI_MSIX_IRQ_INDEX);
    SAME_CONST(KABI_VFIO_PCI_ERR_IRQ_INDEX, VFIO_PCI_ERR_IRQ_INDEX);
    SAME_CONST(KABI_VFIO_PCI_REQ_IRQ_INDEX, VFIO_PCI_REQ_IRQ_INDEX);
    SAME_CONST(KABI_VFIO_PCI_NUM_IRQS, VFIO_PCI_NUM_IRQS);

    /* interrupts */
    SAME_SIZE(kabi_vfio_irq_info, vfio_irq_info);
    SAME_FIELD(kabi_vfio_irq_info, argsz, vfio_irq_info, argsz);
    SAME_FIELD(kabi_vfio_irq_info, flags, vfio_irq_info, flags);
    SAME_FIELD(kabi_vfio_irq_info, index, vfio_irq_info, index);
    SAME_FIELD(kabi_vfio_irq_info, count, vfio_irq_info, count);
    SAME_CONST(KABI_VFIO_IRQ_INFO_EVENTFD, VFIO_IRQ_INFO_EVENTFD);
    SAME_CONST(KABI_VFIO_IRQ_INFO_MASKABLE, VFIO_IRQ_INFO_MASKABLE);
    SAME_CONST(KABI_VFIO_IRQ_INFO_AUTOMASKED, VFIO_IRQ_INFO_AUTOMASKED);
    SAME_CONST(KABI_VFIO_IRQ_INFO_NORESIZE, VFIO_IRQ_INFO_NORESIZE);
    SAME_SIZE(kabi_vfio_irq_set, vfio_irq_set);
    SAME_FIELD(kabi_vfio_irq_set, argsz, vfio_irq_set, argsz);
    SAME_FIELD(kabi_vfio_irq_set, flags, vfio_irq_set, flags);
    SAME_FIELD(kabi_vfio_irq_set, index, vfio_irq_set, index);
    SAME_FIELD(kabi_vfio_irq_set, start, vfio_irq_set, start);
    SAME_FIELD(kabi_vfio_irq_set, count, vfio_irq_set, count);
    SAME_FLEX(kabi_vfio_irq_set, data, vfio_irq_set, data);
    SAME_CONST(KABI_VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_NONE);
    SAME_CONST(KABI_VFIO_IRQ_SET_DATA_BOOL, VFIO_IRQ_SET_DATA_BOOL);
    SAME_CONST(KABI_VFIO_IRQ_SET_DATA_EVENTFD, VFIO_IRQ_SET_DATA_EVENTFD);
    SAME_CONST(KABI_VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_MASK);
    SAME_CONST(KABI_VFIO_IRQ_SET_ACTION_UNMASK, VFIO_IRQ_SET_ACTION_UNMASK);
    SAME_CONST(KABI_VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_IRQ_SET_ACTION_TRIGGER);

    /* device features */
#ifdef VFIO_DEVICE_FEATURE
    SAME_SIZE(kabi_vfio_device_feature, vfio_device_feature);
    SAME_FIELD(kabi_vfio_device_feature, argsz, vfio_device_feature, argsz);
    SAME_FIELD(kabi_vfio_device_feature, flags, vfio_device_feature, flags);
    SAME_FLEX(kabi_vfio_device_feature, data, vfio_device_feature, data);
    SAME_CONST(KABI_VFIO_DEVICE_FEATURE_MASK, VFIO_DEVICE_FEATURE_MASK);
    SAME_CONST(KABI_VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_GET);
    SAME_CONST(KABI_VFIO_DEVICE_FEATURE_SET, VFIO_DEVICE_FEATURE_SET);
    SAME_CONST(KABI_VFIO_DEVICE_FEATURE_PROBE, VFIO_DEVICE_FEATURE_PROBE);
    SAME_CONST(KABI_VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, VFIO_DEVICE_FEATURE_PCI_VF_TOKEN);
#else
    skip("struct vfio_device_feature");
#endif

    /* type1 IOMMU */
    SAME_SIZE(kabi_vfio_iommu_type1_info, vfio_iommu_type1_info);
    SAME_FIELD(kabi_vfio_iommu_type1_info, argsz, vfio_iommu_type1_info, argsz);
    SAME_FIELD(kabi_vfio_iommu_type1_info, flags, vfio_iommu_type1_info, flags);
    SAME_FIELD(kabi_vfio_iommu_type1_info, iova_pgsizes, vfio_iommu_type1_info, iova_pgsizes);
    SAME_FIELD(kabi_vfio_iommu_type1_info, cap_offset, vfio_iommu_type1_info, cap_offset);
    SAME_CONST(KABI_VFIO_IOMMU_INFO_PGSIZES, VFIO_IOMMU_INFO_PGSIZES);
    SAME_CONST(KABI_VFIO_IOMMU_INFO_CAPS, VFIO_IOMMU_INFO_CAPS);
    SAME_CONST(KABI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
#ifdef VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION
    SAME_CONST(KABI_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
#else
    skip("VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION");
#endif
    SAME_SIZE(kabi_vfio_iova_range, vfio_iova_range);
    SAME_FIELD(kabi_vfio_iova_range, start, vfio_iova_range, start);
    SAME_FIELD(kabi_vfio_iova_range, end, vfio_iova_range, end);
    SAME_SIZE(kabi_vfio_iommu_type1_info_cap_iova_range, vfio_iommu_type1_info_cap_iova_range);
    SAME_FIELD(kabi_vfio_iommu_type1_info_cap_iova_range, header, vfio_iommu_type1_info_cap_iova_range, header);
    SAME_FIELD(kabi_vfio_iommu_type1_info_cap_iova_range, nr_iovas, vfio_iommu_type1_info_cap_iova_range, nr_iovas);
    SAME_FIELD(kabi_vfio_iommu_type1_info_cap_iova_range, reserved, vfio_iommu_type1_info_cap_iova_range, reserved);
    SAME_FLEX(kabi_vfio_iommu_type1_info_cap_iova_range, iova_ranges, vfio_iommu_type1_info_cap_iova_range, iova_ranges);
#ifdef VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL
    SAME_CONST(KABI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
    SAME_SIZE(kabi_vfio_iommu_type1_info_dma_avail, vfio_iommu_type1_info_dma_avail);
    SAME_FIELD(kabi_vfio_iommu_type1_info_dma_avail, header, vfio_iommu_type1_info_dma_avail, header);
    SAME_FIELD(kabi_vfio_iommu_type1_info_dma_avail, avail, vfio_iommu_type1_info_dma_avail, avail);
#else
    skip("struct vfio_iommu_type1_info_dma_avail");
#endif
    SAME_SIZE(kabi_vfio_iommu_type1_dma_map, vfio_iommu_type1_dma_map);
    SAME_FIELD(kabi_vfio_iommu_type1_dma_map, argsz, vfio_iommu_type1_dma_map, argsz);
    SAME_FIELD(kabi_vfio_iommu_type1_dma_map, flags, vfio_iommu_type1_dma_map, flags);
    SAME_FIELD(kabi_vfio_iommu_type1_dma_map, vaddr, vfio_iommu_type1_dma_map, vaddr);
    SAME_FIELD(kabi_vfio_iommu_type1_dma_map, iova, vfio_iommu_type1_dma_map, iova);
    SAME_FIELD(kabi_vfio_iommu_type1_dma_map, size, vfio_iommu_type1_dma_map, size);
    SAME_CONST(KABI_VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_READ);
    SAME_CONST(KABI_VFIO_DMA_MAP_FLAG_WRITE, VFIO_DMA_MAP_FLAG_WRITE);
#ifdef VFIO_DMA_MAP_FLAG_VADDR
    SAME_CONST(KABI_VFIO_DMA_MAP_FLAG_VADDR, VFIO_DMA_MAP_FLAG_VADDR);
#else
    skip("VFIO_DMA_MAP_FLAG_VADDR");
#endif
    SAME_SIZE(kabi_vfio_iommu_type1_dma_unmap, vfio_iommu_type1_dma_unmap);
    SAME_FIELD(kabi_vfio_iommu_type1_dma_unmap, argsz, vfio_iommu_type1_dma_unmap, argsz);
    SAME_FIELD(kabi_vfio_iommu_type1_dma_unmap, flags, vfio_iommu_type1_dma_unmap, flags);
    SAME_FIELD(kabi_vfio_iommu_type1_dma_unmap, iova, vfio_iommu_type1_dma_unmap, iova);
    SAME_FIELD(kabi_vfio_iommu_type1_dma_unmap, size, vfio_iommu_type1_dma_unmap, size);
#ifdef VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP
    SAME_FLEX(kabi_vfio_iommu_type1_dma_unmap, data, vfio_iommu_type1_dma_unmap, data);
    SAME_CONST(KABI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);
#else
    skip("vfio_iommu_type1_dma_unmap.data");
#endif
#ifdef VFIO_DMA_UNMAP_FLAG_ALL
    SAME_CONST(KABI_VFIO_DMA_UNMAP_FLAG_ALL, VFIO_DMA_UNMAP_FLAG_ALL);
    SAME_CONST(KABI_VFIO_DMA_UNMAP_FLAG_VADDR, VFIO_DMA_UNMAP_FLAG_VADDR);
#else
    skip("VFIO_DMA_UNMAP_FLAG_ALL/VADDR");
#endif

    /* vfio device cdev + iommufd */
#ifdef VFIO_DEVICE_BIND_IOMMUFD
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_DEVICE_BIND_IOMMUFD), VFIO_DEVICE_BIND_IOMMUFD);
    SAME_FIELD(kabi_vfio_device_bind_iommufd, argsz, vfio_device_bind_iommufd, argsz);
    SAME_FIELD(kabi_vfio_device_bind_iommufd, flags, vfio_device_bind_iommufd, flags);
    SAME_FIELD(kabi_vfio_device_bind_iommufd, iommufd, vfio_device_bind_iommufd, iommufd);
    SAME_FIELD(kabi_vfio_device_bind_iommufd, out_devid, vfio_device_bind_iommufd, out_devid);
#  ifdef VFIO_DEVICE_BIND_FLAG_TOKEN
    SAME_SIZE(kabi_vfio_device_bind_iommufd, vfio_device_bind_iommufd);
    SAME_FIELD(kabi_vfio_device_bind_iommufd, token_uuid_ptr, vfio_device_bind_iommufd, token_uuid_ptr);
    SAME_CONST(KABI_VFIO_DEVICE_BIND_FLAG_TOKEN, VFIO_DEVICE_BIND_FLAG_TOKEN);
#  else
    compare("sizeof vfio_device_bind_iommufd (before the VF token field)",
            (long long)offsetof(struct kabi_vfio_device_bind_iommufd, token_uuid_ptr),
            (long long)sizeof(struct vfio_device_bind_iommufd));
#  endif
#else
    skip("VFIO_DEVICE_BIND_IOMMUFD");
#endif
#ifdef VFIO_DEVICE_ATTACH_IOMMUFD_PT
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_DEVICE_ATTACH_IOMMUFD_PT), VFIO_DEVICE_ATTACH_IOMMUFD_PT);
    SAME_FIELD(kabi_vfio_device_attach_iommufd_pt, argsz, vfio_device_attach_iommufd_pt, argsz);
    SAME_FIELD(kabi_vfio_device_attach_iommufd_pt, flags, vfio_device_attach_iommufd_pt, flags);
    SAME_FIELD(kabi_vfio_device_attach_iommufd_pt, pt_id, vfio_device_attach_iommufd_pt, pt_id);
#  ifdef VFIO_DEVICE_ATTACH_PASID
    SAME_SIZE(kabi_vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt);
    SAME_FIELD(kabi_vfio_device_attach_iommufd_pt, pasid, vfio_device_attach_iommufd_pt, pasid);
    SAME_CONST(KABI_VFIO_DEVICE_ATTACH_PASID, VFIO_DEVICE_ATTACH_PASID);
#  else
    compare("sizeof vfio_device_attach_iommufd_pt (before the pasid field)",
            (long long)offsetof(struct kabi_vfio_device_attach_iommufd_pt, pasid),
            (long long)sizeof(struct vfio_device_attach_iommufd_pt));
#  endif
#else
    skip("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
#endif
#ifdef VFIO_DEVICE_DETACH_IOMMUFD_PT
    SAME_CONST(KABI_VFIO_REQUEST(KABI_VFIO_CMD_DEVICE_DETACH_IOMMUFD_PT), VFIO_DEVICE_DETACH_IOMMUFD_PT);
    SAME_FIELD(kabi_vfio_device_detach_iommufd_pt, argsz, vfio_device_detach_iommufd_pt, argsz);
    SAME_FIELD(kabi_vfio_device_detach_iommufd_pt, flags, vfio_device_detach_iommufd_pt, flags);
#  ifdef VFIO_DEVICE_DETACH_PASID
    SAME_SIZE(kabi_vfio_device_detach_iommufd_pt, vfio_device_detach_iommufd_pt);
    SAME_FIELD(kabi_vfio_device_detach_iommufd_pt, pasid, vfio_device_detach_iommufd_pt, pasid);
    SAME_CONST(KABI_VFIO_DEVICE_DETACH_PASID, VFIO_DEVICE_DETACH_PASID);
#  else
    compare("sizeof vfio_device_detach_iommufd_pt (before the pasid field)",
            (long long)offsetof(struct kabi_vfio_device_detach_iommufd_pt, pasid),
            (long long)sizeof(struct vfio_device_detach_iommufd_pt));
#  endif
#else
    skip("VFIO_DEVICE_DETACH_IOMMUFD_PT");
#endif
}

static void check_iommufd(void)
{
#ifdef HAVE_IOMMUFD_H
    SAME_CONST(KABI_IOMMUFD_TYPE, IOMMUFD_TYPE);
    SAME_CONST(KABI_IOMMUFD_CMD_DESTROY, IOMMUFD_CMD_DESTROY);
    SAME_CONST(KABI_IOMMUFD_CMD_IOAS_ALLOC, IOMMUFD_CMD_IOAS_ALLOC);
    SAME_CONST(KABI_IOMMUFD_CMD_IOAS_ALLOW_IOVAS, IOMMUFD_CMD_IOAS_ALLOW_IOVAS);
    SAME_CONST(KABI_IOMMUFD_CMD_IOAS_COPY, IOMMUFD_CMD_IOAS_COPY);
    SAME_CONST(KABI_IOMMUFD_CMD_IOAS_IOVA_RANGES, IOMMUFD_CMD_IOAS_IOVA_RANGES);
    SAME_CONST(KABI_IOMMUFD_CMD_IOAS_MAP, IOMMUFD_CMD_IOAS_MAP);
    SAME_CONST(KABI_IOMMUFD_CMD_IOAS_UNMAP, IOMMUFD_CMD_IOAS_UNMAP);
    SAME_CONST(KABI_IOMMUFD_CMD_OPTION, IOMMUFD_CMD_OPTION);
    SAME_CONST(KABI_IOMMUFD_CMD_VFIO_IOAS, IOMMUFD_CMD_VFIO_IOAS);
    SAME_CONST(KABI_IOMMUFD_REQUEST(KABI_IOMMUFD_CMD_DESTROY), IOMMU_DESTROY);
    SAME_CONST(KABI_IOMMUFD_REQUEST(KABI_IOMMUFD_CMD_IOAS_ALLOC), IOMMU_IOAS_ALLOC);
    SAME_CONST(KABI_IOMMUFD_REQUEST(KABI_IOMMUFD_CMD_IOAS_IOVA_RANGES), IOMMU_IOAS_IOVA_RANGES);
    SAME_CONST(KABI_IOMMUFD_REQUEST(KABI_IOMMUFD_CMD_IOAS_MAP), IOMMU_IOAS_MAP);
    SAME_CONST(KABI_IOMMUFD_REQUEST(KABI_IOMMUFD_CMD_IOAS_UNMAP), IOMMU_IOAS_UNMAP);
    SAME_CONST(KABI_IOMMU_IOAS_MAP_FIXED_IOVA, IOMMU_IOAS_MAP_FIXED_IOVA);
    SAME_CONST(KABI_IOMMU_IOAS_MAP_WRITEABLE, IOMMU_IOAS_MAP_WRITEABLE);
    SAME_CONST(KABI_IOMMU_IOAS_MAP_READABLE, IOMMU_IOAS_MAP_READABLE);

    SAME_SIZE(kabi_iommu_destroy, iommu_destroy);
    SAME_FIELD(kabi_iommu_destroy, size, iommu_destroy, size);
    SAME_FIELD(kabi_iommu_destroy, id, iommu_destroy, id);
    SAME_SIZE(kabi_iommu_ioas_alloc, iommu_ioas_alloc);
    SAME_FIELD(kabi_iommu_ioas_alloc, size, iommu_ioas_alloc, size);
    SAME_FIELD(kabi_iommu_ioas_alloc, flags, iommu_ioas_alloc, flags);
    SAME_FIELD(kabi_iommu_ioas_alloc, out_ioas_id, iommu_ioas_alloc, out_ioas_id);
    SAME_SIZE(kabi_iommu_iova_range, iommu_iova_range);
    SAME_FIELD(kabi_iommu_iova_range, start, iommu_iova_range, start);
    SAME_FIELD(kabi_iommu_iova_range, last, iommu_iova_range, last);
    SAME_SIZE(kabi_iommu_ioas_iova_ranges, iommu_ioas_iova_ranges);
    SAME_FIELD(kabi_iommu_ioas_iova_ranges, size, iommu_ioas_iova_ranges, size);
    SAME_FIELD(kabi_iommu_ioas_iova_ranges, ioas_id, iommu_ioas_iova_ranges, ioas_id);
    SAME_FIELD(kabi_iommu_ioas_iova_ranges, num_iovas, iommu_ioas_iova_ranges, num_iovas);
    SAME_FIELD(kabi_iommu_ioas_iova_ranges, reserved, iommu_ioas_iova_ranges, __reserved);
    SAME_FIELD(kabi_iommu_ioas_iova_ranges, allowed_iovas, iommu_ioas_iova_ranges, allowed_iovas);
    SAME_FIELD(kabi_iommu_ioas_iova_ranges, out_iova_alignment, iommu_ioas_iova_ranges, out_iova_alignment);
    SAME_SIZE(kabi_iommu_ioas_map, iommu_ioas_map);
    SAME_FIELD(kabi_iommu_ioas_map, size, iommu_ioas_map, size);
    SAME_FIELD(kabi_iommu_ioas_map, flags, iommu_ioas_map, flags);
    SAME_FIELD(kabi_iommu_ioas_map, ioas_id, iommu_ioas_map, ioas_id);
    SAME_FIELD(kabi_iommu_ioas_map, reserved, iommu_ioas_map, __reserved);
    SAME_FIELD(kabi_iommu_ioas_map, user_va, iommu_ioas_map, user_va);
    SAME_FIELD(kabi_iommu_ioas_map, length, iommu_ioas_map, length);
    SAME_FIELD(kabi_iommu_ioas_map, iova, iommu_ioas_map, iova);
    SAME_SIZE(kabi_iommu_ioas_unmap, iommu_ioas_unmap);
    SAME_FIELD(kabi_iommu_ioas_unmap, size, iommu_ioas_unmap, size);
    SAME_FIELD(kabi_iommu_ioas_unmap, ioas_id, iommu_ioas_unmap, ioas_id);
    SAME_FIELD(kabi_iommu_ioas_unmap, iova, iommu_ioas_unmap, iova);
    SAME_FIELD(kabi_iommu_ioas_unmap, length, iommu_ioas_unmap, length);
#  ifdef IOMMU_IOAS_MAP_FILE
    SAME_CONST(KABI_IOMMUFD_CMD_IOAS_MAP_FILE, IOMMUFD_CMD_IOAS_MAP_FILE);
    SAME_CONST(KABI_IOMMUFD_REQUEST(KABI_IOMMUFD_CMD_IOAS_MAP_FILE), IOMMU_IOAS_MAP_FILE);
    SAME_SIZE(kabi_iommu_ioas_map_file, iommu_ioas_map_file);
    SAME_FIELD(kabi_iommu_ioas_map_file, size, iommu_ioas_map_file, size);
    SAME_FIELD(kabi_iommu_ioas_map_file, flags, iommu_ioas_map_file, flags);
    SAME_FIELD(kabi_iommu_ioas_map_file, ioas_id, iommu_ioas_map_file, ioas_id);
    SAME_FIELD(kabi_iommu_ioas_map_file, fd, iommu_ioas_map_file, fd);
    SAME_FIELD(kabi_iommu_ioas_map_file, start, iommu_ioas_map_file, start);
    SAME_FIELD(kabi_iommu_ioas_map_file, length, iommu_ioas_map_file, length);
    SAME_FIELD(kabi_iommu_ioas_map_file, iova, iommu_ioas_map_file, iova);
#  else
    skip("IOMMU_IOAS_MAP_FILE");
#  endif
#else
    skip("<linux/iommufd.h>");
#endif
}

static void check_libc(void)
{
    SAME_CONST(KABI_O_RDONLY, O_RDONLY);
    SAME_CONST(KABI_O_WRONLY, O_WRONLY);
    SAME_CONST(KABI_O_RDWR, O_RDWR);
    SAME_CONST(KABI_O_NONBLOCK, O_NONBLOCK);
    SAME_CONST(KABI_O_CLOEXEC, O_CLOEXEC);
    SAME_CONST(KABI_PROT_NONE, PROT_NONE);
    SAME_CONST(KABI_PROT_READ, PROT_READ);
    SAME_CONST(KABI_PROT_WRITE, PROT_WRITE);
    SAME_CONST(KABI_PROT_EXEC, PROT_EXEC);
    SAME_CONST(KABI_MAP_SHARED, MAP_SHARED);
    SAME_CONST(KABI_MAP_PRIVATE, MAP_PRIVATE);
    SAME_CONST(KABI_MAP_FIXED, MAP_FIXED);
    SAME_CONST(KABI_MAP_ANONYMOUS, MAP_ANONYMOUS);
    SAME_CONST(KABI_MAP_LOCKED, MAP_LOCKED);
    SAME_CONST(KABI_MAP_NORESERVE, MAP_NORESERVE);
    SAME_CONST(KABI_MAP_POPULATE, MAP_POPULATE);
    SAME_CONST(KABI_MAP_HUGETLB, MAP_HUGETLB);
    SAME_CONST(KABI_MAP_HUGE_SHIFT, MAP_HUGE_SHIFT);
    SAME_CONST(KABI_MAP_HUGE_MASK, MAP_HUGE_MASK);
#ifdef HUGETLB_FLAG_ENCODE_2MB
    SAME_CONST(KABI_MAP_HUGE_2MB, HUGETLB_FLAG_ENCODE_2MB);
    SAME_CONST(KABI_MAP_HUGE_1GB, HUGETLB_FLAG_ENCODE_1GB);
    SAME_CONST(KABI_MFD_HUGE_2MB, HUGETLB_FLAG_ENCODE_2MB);
    SAME_CONST(KABI_MFD_HUGE_1GB, HUGETLB_FLAG_ENCODE_1GB);
    SAME_CONST(KABI_MFD_HUGE_SHIFT, HUGETLB_FLAG_ENCODE_SHIFT);
    SAME_CONST(KABI_MFD_HUGE_MASK, HUGETLB_FLAG_ENCODE_MASK);
#else
    skip("HUGETLB_FLAG_ENCODE_*");
#endif
    SAME_CONST(KABI_MFD_CLOEXEC, MFD_CLOEXEC);
    SAME_CONST(KABI_MFD_ALLOW_SEALING, MFD_ALLOW_SEALING);
    SAME_CONST(KABI_MFD_HUGETLB, MFD_HUGETLB);
    SAME_CONST(KABI_EFD_SEMAPHORE, EFD_SEMAPHORE);
    SAME_CONST(KABI_EFD_NONBLOCK, EFD_NONBLOCK);
    SAME_CONST(KABI_EFD_CLOEXEC, EFD_CLOEXEC);
}

/* The C library's errno values, for dev.jvirtio.ffm.Errno. */
static void print_errno(void)
{
    ERRNO(EPERM); ERRNO(ENOENT); ERRNO(ESRCH); ERRNO(EINTR); ERRNO(EIO); ERRNO(ENXIO); ERRNO(E2BIG);
    ERRNO(ENOEXEC); ERRNO(EBADF); ERRNO(ECHILD); ERRNO(EAGAIN); ERRNO(EWOULDBLOCK); ERRNO(ENOMEM);
    ERRNO(EACCES); ERRNO(EFAULT); ERRNO(ENOTBLK); ERRNO(EBUSY); ERRNO(EEXIST); ERRNO(EXDEV); ERRNO(ENODEV);
    ERRNO(ENOTDIR); ERRNO(EISDIR); ERRNO(EINVAL); ERRNO(ENFILE); ERRNO(EMFILE); ERRNO(ENOTTY);
    ERRNO(ETXTBSY); ERRNO(EFBIG); ERRNO(ENOSPC); ERRNO(ESPIPE); ERRNO(EROFS); ERRNO(EMLINK); ERRNO(EPIPE);
    ERRNO(EDOM); ERRNO(ERANGE); ERRNO(EDEADLK); ERRNO(EDEADLOCK); ERRNO(ENAMETOOLONG); ERRNO(ENOLCK);
    ERRNO(ENOSYS); ERRNO(ENOTEMPTY); ERRNO(ELOOP); ERRNO(ENOMSG); ERRNO(EIDRM); ERRNO(ENODATA);
    ERRNO(ETIME); ERRNO(ENOLINK); ERRNO(EPROTO); ERRNO(EBADMSG); ERRNO(EOVERFLOW); ERRNO(EBADFD);
    ERRNO(EILSEQ); ERRNO(EUSERS); ERRNO(ENOTSOCK); ERRNO(EMSGSIZE); ERRNO(ENOPROTOOPT); ERRNO(EOPNOTSUPP);
    ERRNO(ENOTSUP); ERRNO(EADDRINUSE); ERRNO(EADDRNOTAVAIL); ERRNO(ENETDOWN); ERRNO(ENOBUFS);
    ERRNO(ETIMEDOUT); ERRNO(ECONNREFUSED); ERRNO(EALREADY); ERRNO(EINPROGRESS); ERRNO(ESTALE);
    ERRNO(EREMOTEIO); ERRNO(EDQUOT); ERRNO(ENOMEDIUM); ERRNO(ECANCELED); ERRNO(ENOKEY); ERRNO(EOWNERDEAD);
    ERRNO(ENOTRECOVERABLE); ERRNO(EHWPOISON);
}

int main(void)
{
    print_our_layouts();
    print_our_constants();
    print_our_ioctls();
    print_errno();
    check_encoder();
    check_vfio();
    check_iommufd();
    check_libc();
#ifdef HAVE_IOMMUFD_H
    emit("meta.iommufd_header", 1);
#else
    emit("meta.iommufd_header", 0);
#endif
    emit("meta.compared", compared);
    emit("meta.skipped", skipped);
    emit("meta.mismatches", mismatches);
    fprintf(stderr, "abi_check: %d comparisons with the system headers, %d mismatches, %d items skipped\n",
            compared, mismatches, skipped);
    return mismatches == 0 ? 0 : 1;
}
