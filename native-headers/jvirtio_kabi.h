/*
 * jvirtio_kabi.h -- the part of the Linux kernel ABI that jvirtio talks to.
 *
 * This is jvirtio's own description of the VFIO, iommufd, mman, memfd, eventfd and fcntl interfaces
 * it uses, written for two readers: jextract (which turns the structs and object-like constants below
 * into Java layouts, see includes.txt and regen.sh) and src/test/c/abi_check.c in ffm-bindings (which
 * compiles this file next to the system's <linux/vfio.h> and fails on any disagreement).
 *
 * Rules for this file:
 *   - Only fixed-width integer types from <stdint.h>; no kernel header is included, so the file works
 *     on build hosts whose uapi headers are older than the kernel we run on (Debian 12 ships 6.1, which
 *     has neither iommufd nor the vfio device cdev).
 *   - Every name carries a KABI_ / kabi_ prefix so that it can never collide with the kernel's own
 *     spelling when both are included in one translation unit.
 *   - Layouts are the x86-64 (LP64, little-endian) ones. A uint64_t is 8-byte aligned there, which is
 *     what the kernel's __aligned_u64 asks for, so no attributes are needed.
 *   - ioctl request numbers are not spelled out: the kernel builds them with function-like macros that
 *     jextract cannot evaluate. We publish the encoding parameters (KABI_IOC_*), the type characters and
 *     the per-request command numbers instead; the Java class dev.jvirtio.ffm.Ioctl computes the
 *     requests, and the C helper macros at the end do the same for C readers.
 *
 * Extensible structs: VFIO structs start with argsz and iommufd structs with size. The caller sets that
 * field to the number of bytes it passes. Newer kernels accept older, smaller sizes; older kernels accept
 * a larger struct as long as the fields they do not know are left zero (VFIO copies only its own minimum
 * size, iommufd rejects a non-zero unknown tail with E2BIG). So the newest layout is declared here, and
 * callers leave fields they do not use zeroed.
 */
#ifndef JVIRTIO_KABI_H
#define JVIRTIO_KABI_H

#include <stdint.h>

#if defined(__clang__) || defined(__GNUC__)
#  if !defined(__x86_64__)
#    error "jvirtio_kabi.h describes the x86-64 ABI only"
#  endif
#endif

/* ======================================================================================
 * ioctl request encoding (asm-generic layout, used by x86-64)
 *
 *   bits  0..7   command number
 *   bits  8..15  type character
 *   bits 16..29  size of the argument struct (0 for requests that carry none)
 *   bits 30..31  direction, seen from user space: 1 = user writes, 2 = user reads
 * ====================================================================================== */
#define KABI_IOC_NRBITS     8
#define KABI_IOC_TYPEBITS   8
#define KABI_IOC_SIZEBITS   14
#define KABI_IOC_DIRBITS    2
#define KABI_IOC_NRSHIFT    0
#define KABI_IOC_TYPESHIFT  8
#define KABI_IOC_SIZESHIFT  16
#define KABI_IOC_DIRSHIFT   30
#define KABI_IOC_NONE       0
#define KABI_IOC_WRITE      1
#define KABI_IOC_READ       2

/* ======================================================================================
 * VFIO, legacy container/group interface (/dev/vfio/vfio, /dev/vfio/<group>) and the
 * device interface shared with the cdev path (/dev/vfio/devices/vfioN).
 *
 * All VFIO requests are "no direction, no size" requests: the struct length travels in argsz.
 * ====================================================================================== */

/* Value returned by VFIO_GET_API_VERSION. */
#define KABI_VFIO_API_VERSION         0

/* Extension identifiers for VFIO_CHECK_EXTENSION and VFIO_SET_IOMMU. */
#define KABI_VFIO_TYPE1_IOMMU         1
#define KABI_VFIO_TYPE1v2_IOMMU       3
#define KABI_VFIO_DMA_CC_IOMMU        4   /* IOMMU enforces cache coherent DMA */
#define KABI_VFIO_NOIOMMU_IOMMU       8   /* no translation, no isolation: taints the kernel */
#define KABI_VFIO_UNMAP_ALL           9   /* KABI_VFIO_DMA_UNMAP_FLAG_ALL is understood */

/* Request building blocks: type character ';' and the base every VFIO command number adds to. */
#define KABI_VFIO_TYPE                0x3B
#define KABI_VFIO_BASE                100

/* Command numbers relative to KABI_VFIO_BASE. The fd each one is issued on is given in brackets. */
#define KABI_VFIO_CMD_GET_API_VERSION           0   /* [container] no argument */
#define KABI_VFIO_CMD_CHECK_EXTENSION           1   /* [container] argument: extension id by value */
#define KABI_VFIO_CMD_SET_IOMMU                 2   /* [container] argument: extension id by value */
#define KABI_VFIO_CMD_GROUP_GET_STATUS          3   /* [group] struct kabi_vfio_group_status */
#define KABI_VFIO_CMD_GROUP_SET_CONTAINER       4   /* [group] pointer to the container fd (int32) */
#define KABI_VFIO_CMD_GROUP_UNSET_CONTAINER     5   /* [group] no argument */
#define KABI_VFIO_CMD_GROUP_GET_DEVICE_FD       6   /* [group] NUL-terminated device name, e.g. a BDF */
#define KABI_VFIO_CMD_DEVICE_GET_INFO           7   /* [device] struct kabi_vfio_device_info */
#define KABI_VFIO_CMD_DEVICE_GET_REGION_INFO    8   /* [device] struct kabi_vfio_region_info */
#define KABI_VFIO_CMD_DEVICE_GET_IRQ_INFO       9   /* [device] struct kabi_vfio_irq_info */
#define KABI_VFIO_CMD_DEVICE_SET_IRQS           10  /* [device] struct kabi_vfio_irq_set + data */
#define KABI_VFIO_CMD_DEVICE_RESET              11  /* [device] no argument */
#define KABI_VFIO_CMD_IOMMU_GET_INFO            12  /* [container] struct kabi_vfio_iommu_type1_info */
#define KABI_VFIO_CMD_IOMMU_MAP_DMA             13  /* [container] struct kabi_vfio_iommu_type1_dma_map */
#define KABI_VFIO_CMD_IOMMU_UNMAP_DMA           14  /* [container] struct kabi_vfio_iommu_type1_dma_unmap */
#define KABI_VFIO_CMD_DEVICE_FEATURE            17  /* [device] struct kabi_vfio_device_feature + data */
#define KABI_VFIO_CMD_DEVICE_BIND_IOMMUFD       18  /* [device cdev] struct kabi_vfio_device_bind_iommufd */
#define KABI_VFIO_CMD_DEVICE_ATTACH_IOMMUFD_PT  19  /* [device cdev] struct kabi_vfio_device_attach_iommufd_pt */
#define KABI_VFIO_CMD_DEVICE_DETACH_IOMMUFD_PT  20  /* [device cdev] struct kabi_vfio_device_detach_iommufd_pt */

/*
 * Capability chains. Several INFO replies may be followed by a linked list of capabilities inside
 * the same buffer. cap_offset in the reply and next in each header are byte offsets from the start
 * of the reply buffer; 0 ends the list. If argsz was too small the kernel raises argsz to the size it
 * needs and the caller repeats the request with a bigger buffer.
 */
struct kabi_vfio_info_cap_header {
    uint16_t id;        /* which capability; the id space is per INFO request */
    uint16_t version;   /* layout version of this capability */
    uint32_t next;      /* offset of the next capability, 0 = last */
};

/* Group state, from VFIO_GROUP_GET_STATUS. */
struct kabi_vfio_group_status {
    uint32_t argsz;
    uint32_t flags;     /* KABI_VFIO_GROUP_FLAGS_* */
};
#define KABI_VFIO_GROUP_FLAGS_VIABLE          (1 << 0)  /* every device of the group is bound to vfio or unbound */
#define KABI_VFIO_GROUP_FLAGS_CONTAINER_SET   (1 << 1)  /* group is attached to a container */

/* Device description, from VFIO_DEVICE_GET_INFO. */
struct kabi_vfio_device_info {
    uint32_t argsz;
    uint32_t flags;         /* KABI_VFIO_DEVICE_FLAGS_* */
    uint32_t num_regions;   /* highest region index + 1 */
    uint32_t num_irqs;      /* highest irq index + 1 */
    uint32_t cap_offset;    /* first capability, valid with KABI_VFIO_DEVICE_FLAGS_CAPS */
    uint32_t pad;           /* newer kernels; older uapi headers (e.g. 6.1) end the struct at 20 bytes */
};
#define KABI_VFIO_DEVICE_FLAGS_RESET   (1 << 0)   /* VFIO_DEVICE_RESET is supported */
#define KABI_VFIO_DEVICE_FLAGS_PCI     (1 << 1)   /* the device is a vfio-pci device */
#define KABI_VFIO_DEVICE_FLAGS_CAPS    (1 << 7)   /* cap_offset is valid */

/* One device region (BAR, ROM, config space ...), from VFIO_DEVICE_GET_REGION_INFO. */
struct kabi_vfio_region_info {
    uint32_t argsz;
    uint32_t flags;         /* KABI_VFIO_REGION_INFO_FLAG_* */
    uint32_t index;         /* in: region index, see KABI_VFIO_PCI_*_REGION_INDEX */
    uint32_t cap_offset;    /* first capability, valid with KABI_VFIO_REGION_INFO_FLAG_CAPS */
    uint64_t size;          /* region size in bytes; 0 means the region is not implemented */
    uint64_t offset;        /* where the region starts in the device fd (for pread/pwrite/mmap) */
};
#define KABI_VFIO_REGION_INFO_FLAG_READ    (1 << 0)
#define KABI_VFIO_REGION_INFO_FLAG_WRITE   (1 << 1)
#define KABI_VFIO_REGION_INFO_FLAG_MMAP    (1 << 2)
#define KABI_VFIO_REGION_INFO_FLAG_CAPS    (1 << 3)

/* Capability ids in a region info chain. */
#define KABI_VFIO_REGION_INFO_CAP_SPARSE_MMAP     1  /* only the listed areas may be mmapped */
#define KABI_VFIO_REGION_INFO_CAP_TYPE            2  /* device specific region type/subtype */
#define KABI_VFIO_REGION_INFO_CAP_MSIX_MAPPABLE   3  /* the MSI-X table page may be mmapped too */

/* One mmappable window of a region, offsets relative to the region start. */
struct kabi_vfio_region_sparse_mmap_area {
    uint64_t offset;
    uint64_t size;
};

/* KABI_VFIO_REGION_INFO_CAP_SPARSE_MMAP, version 1. */
struct kabi_vfio_region_info_cap_sparse_mmap {
    struct kabi_vfio_info_cap_header header;
    uint32_t nr_areas;
    uint32_t reserved;
    struct kabi_vfio_region_sparse_mmap_area areas[];   /* nr_areas entries */
};

/* KABI_VFIO_REGION_INFO_CAP_TYPE, version 1. */
struct kabi_vfio_region_info_cap_type {
    struct kabi_vfio_info_cap_header header;
    uint32_t type;
    uint32_t subtype;
};

/* Fixed region indexes of vfio-pci. */
enum {
    KABI_VFIO_PCI_BAR0_REGION_INDEX = 0,
    KABI_VFIO_PCI_BAR1_REGION_INDEX = 1,
    KABI_VFIO_PCI_BAR2_REGION_INDEX = 2,
    KABI_VFIO_PCI_BAR3_REGION_INDEX = 3,
    KABI_VFIO_PCI_BAR4_REGION_INDEX = 4,
    KABI_VFIO_PCI_BAR5_REGION_INDEX = 5,
    KABI_VFIO_PCI_ROM_REGION_INDEX = 6,
    KABI_VFIO_PCI_CONFIG_REGION_INDEX = 7,
    KABI_VFIO_PCI_VGA_REGION_INDEX = 8,
    KABI_VFIO_PCI_NUM_REGIONS = 9      /* indexes from here on are described by a CAP_TYPE capability */
};

/* Fixed interrupt indexes of vfio-pci. */
enum {
    KABI_VFIO_PCI_INTX_IRQ_INDEX = 0,
    KABI_VFIO_PCI_MSI_IRQ_INDEX = 1,
    KABI_VFIO_PCI_MSIX_IRQ_INDEX = 2,
    KABI_VFIO_PCI_ERR_IRQ_INDEX = 3,   /* AER error reporting */
    KABI_VFIO_PCI_REQ_IRQ_INDEX = 4,   /* kernel asks user space to release the device */
    KABI_VFIO_PCI_NUM_IRQS = 5
};

/* One interrupt index, from VFIO_DEVICE_GET_IRQ_INFO. */
struct kabi_vfio_irq_info {
    uint32_t argsz;
    uint32_t flags;     /* KABI_VFIO_IRQ_INFO_* */
    uint32_t index;     /* in: irq index, see KABI_VFIO_PCI_*_IRQ_INDEX */
    uint32_t count;     /* vectors behind this index; 0 = not implemented */
};
#define KABI_VFIO_IRQ_INFO_EVENTFD      (1 << 0)  /* can signal an eventfd */
#define KABI_VFIO_IRQ_INFO_MASKABLE     (1 << 1)  /* MASK/UNMASK actions work */
#define KABI_VFIO_IRQ_INFO_AUTOMASKED   (1 << 2)  /* level triggered: masked after each signal */
#define KABI_VFIO_IRQ_INFO_NORESIZE     (1 << 3)  /* vector count fixed once enabled (MSI, MSI-X) */

/*
 * Interrupt wiring for VFIO_DEVICE_SET_IRQS. Exactly one DATA_* and one ACTION_* flag is set. With
 * DATA_EVENTFD, data holds count int32 eventfds (-1 = leave/unwire); with DATA_BOOL, count bytes.
 * flags = DATA_NONE | ACTION_TRIGGER with count = 0 disables the whole index.
 */
struct kabi_vfio_irq_set {
    uint32_t argsz;     /* sizeof(struct) + size of data */
    uint32_t flags;
    uint32_t index;
    uint32_t start;     /* first vector */
    uint32_t count;     /* number of vectors */
    uint8_t  data[];
};
#define KABI_VFIO_IRQ_SET_DATA_NONE       (1 << 0)
#define KABI_VFIO_IRQ_SET_DATA_BOOL       (1 << 1)
#define KABI_VFIO_IRQ_SET_DATA_EVENTFD    (1 << 2)
#define KABI_VFIO_IRQ_SET_ACTION_MASK     (1 << 3)
#define KABI_VFIO_IRQ_SET_ACTION_UNMASK   (1 << 4)
#define KABI_VFIO_IRQ_SET_ACTION_TRIGGER  (1 << 5)

/*
 * Generic device feature access (VFIO_DEVICE_FEATURE). The low 16 bits of flags pick the feature,
 * GET/SET/PROBE say what to do; the feature's payload follows in data.
 */
struct kabi_vfio_device_feature {
    uint32_t argsz;
    uint32_t flags;
    uint8_t  data[];
};
#define KABI_VFIO_DEVICE_FEATURE_MASK    0xffff
#define KABI_VFIO_DEVICE_FEATURE_GET     (1 << 16)
#define KABI_VFIO_DEVICE_FEATURE_SET     (1 << 17)
#define KABI_VFIO_DEVICE_FEATURE_PROBE   (1 << 18)

/* Feature 0: the SR-IOV VF token, a 16 byte UUID shared between the PF owner and VF users. */
#define KABI_VFIO_DEVICE_FEATURE_PCI_VF_TOKEN   0
#define KABI_VFIO_VF_TOKEN_SIZE                 16

/* ---- type1 IOMMU (container) ---- */

/* IOMMU description, from VFIO_IOMMU_GET_INFO. */
struct kabi_vfio_iommu_type1_info {
    uint32_t argsz;
    uint32_t flags;         /* KABI_VFIO_IOMMU_INFO_* */
    uint64_t iova_pgsizes;  /* bitmap of page sizes the IOMMU can map */
    uint32_t cap_offset;    /* first capability, valid with KABI_VFIO_IOMMU_INFO_CAPS */
    uint32_t pad;           /* tail padding; older uapi headers (e.g. 6.1) leave it unnamed */
};
#define KABI_VFIO_IOMMU_INFO_PGSIZES   (1 << 0)
#define KABI_VFIO_IOMMU_INFO_CAPS      (1 << 1)

/* Capability ids in a type1 info chain. */
#define KABI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE  1
#define KABI_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION   2
#define KABI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL       3

/* One usable IOVA window, both ends inclusive. */
struct kabi_vfio_iova_range {
    uint64_t start;
    uint64_t end;
};

/* KABI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, version 1: where DMA may be mapped. */
struct kabi_vfio_iommu_type1_info_cap_iova_range {
    struct kabi_vfio_info_cap_header header;
    uint32_t nr_iovas;
    uint32_t reserved;
    struct kabi_vfio_iova_range iova_ranges[];   /* nr_iovas entries */
};

/* KABI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, version 1: how many more mappings the container allows. */
struct kabi_vfio_iommu_type1_info_dma_avail {
    struct kabi_vfio_info_cap_header header;
    uint32_t avail;
};

/* Map user memory for device DMA (VFIO_IOMMU_MAP_DMA). READ/WRITE are from the device's view. */
struct kabi_vfio_iommu_type1_dma_map {
    uint32_t argsz;
    uint32_t flags;
    uint64_t vaddr;     /* process virtual address */
    uint64_t iova;      /* device address */
    uint64_t size;      /* bytes */
};
#define KABI_VFIO_DMA_MAP_FLAG_READ    (1 << 0)
#define KABI_VFIO_DMA_MAP_FLAG_WRITE   (1 << 1)
#define KABI_VFIO_DMA_MAP_FLAG_VADDR   (1 << 2)

/* Remove a DMA mapping (VFIO_IOMMU_UNMAP_DMA); size returns the bytes actually unmapped. */
struct kabi_vfio_iommu_type1_dma_unmap {
    uint32_t argsz;
    uint32_t flags;
    uint64_t iova;
    uint64_t size;
    uint8_t  data[];    /* dirty bitmap request, only with FLAG_GET_DIRTY_BITMAP */
};
#define KABI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP  (1 << 0)
#define KABI_VFIO_DMA_UNMAP_FLAG_ALL               (1 << 1)  /* iova and size must be 0 */
#define KABI_VFIO_DMA_UNMAP_FLAG_VADDR             (1 << 2)

/* ---- vfio device cdev + iommufd (kernel 6.6 and later) ---- */

/* Bind an opened /dev/vfio/devices/vfioN to an iommufd (VFIO_DEVICE_BIND_IOMMUFD). */
struct kabi_vfio_device_bind_iommufd {
    uint32_t argsz;
    uint32_t flags;             /* 0 or KABI_VFIO_DEVICE_BIND_FLAG_TOKEN */
    int32_t  iommufd;           /* the /dev/iommu fd */
    uint32_t out_devid;         /* out: device id inside that iommufd */
    uint64_t token_uuid_ptr;    /* with FLAG_TOKEN: address of a 16 byte VF token (newer kernels) */
};
#define KABI_VFIO_DEVICE_BIND_FLAG_TOKEN   (1 << 0)

/* Attach the bound device to an IOAS or HW page table (VFIO_DEVICE_ATTACH_IOMMUFD_PT). */
struct kabi_vfio_device_attach_iommufd_pt {
    uint32_t argsz;
    uint32_t flags;     /* 0 or KABI_VFIO_DEVICE_ATTACH_PASID */
    uint32_t pt_id;     /* in: IOAS or HWPT id; out: the HWPT actually attached */
    uint32_t pasid;     /* only with KABI_VFIO_DEVICE_ATTACH_PASID (newer kernels) */
};
#define KABI_VFIO_DEVICE_ATTACH_PASID   (1 << 0)

/* Detach the device from its page table (VFIO_DEVICE_DETACH_IOMMUFD_PT). */
struct kabi_vfio_device_detach_iommufd_pt {
    uint32_t argsz;
    uint32_t flags;     /* 0 or KABI_VFIO_DEVICE_DETACH_PASID */
    uint32_t pasid;     /* only with KABI_VFIO_DEVICE_DETACH_PASID (newer kernels) */
};
#define KABI_VFIO_DEVICE_DETACH_PASID   (1 << 0)

/* ======================================================================================
 * iommufd (/dev/iommu), kernel 6.2 and later. Requests are "no direction, no size" as well;
 * every struct starts with its own size.
 * ====================================================================================== */
#define KABI_IOMMUFD_TYPE                    0x3B  /* ';', shared with VFIO; command numbers differ */
#define KABI_IOMMUFD_CMD_DESTROY             0x80
#define KABI_IOMMUFD_CMD_IOAS_ALLOC          0x81
#define KABI_IOMMUFD_CMD_IOAS_ALLOW_IOVAS    0x82
#define KABI_IOMMUFD_CMD_IOAS_COPY           0x83
#define KABI_IOMMUFD_CMD_IOAS_IOVA_RANGES    0x84
#define KABI_IOMMUFD_CMD_IOAS_MAP            0x85
#define KABI_IOMMUFD_CMD_IOAS_UNMAP          0x86
#define KABI_IOMMUFD_CMD_OPTION              0x87
#define KABI_IOMMUFD_CMD_VFIO_IOAS           0x88
#define KABI_IOMMUFD_CMD_IOAS_MAP_FILE       0x8F  /* recent kernels only; older ones answer ENOTTY */

/* Destroy any iommufd object by id (IOMMU_DESTROY). */
struct kabi_iommu_destroy {
    uint32_t size;
    uint32_t id;
};

/* Create an IO address space (IOMMU_IOAS_ALLOC). */
struct kabi_iommu_ioas_alloc {
    uint32_t size;
    uint32_t flags;         /* must be 0 */
    uint32_t out_ioas_id;   /* out */
};

/* An IOVA interval, both ends inclusive. */
struct kabi_iommu_iova_range {
    uint64_t start;
    uint64_t last;
};

/*
 * Query the IOVA windows of an IOAS (IOMMU_IOAS_IOVA_RANGES). num_iovas is the capacity of the
 * array on input and the real count on output; if the array is too small the call fails with
 * EMSGSIZE and num_iovas says how many entries are needed.
 */
struct kabi_iommu_ioas_iova_ranges {
    uint32_t size;
    uint32_t ioas_id;
    uint32_t num_iovas;
    uint32_t reserved;              /* must be 0 */
    uint64_t allowed_iovas;         /* address of a struct kabi_iommu_iova_range array */
    uint64_t out_iova_alignment;    /* out: minimum IOVA and length alignment for MAP */
};

/* Flags shared by IOMMU_IOAS_MAP, IOMMU_IOAS_MAP_FILE and IOMMU_IOAS_COPY. */
#define KABI_IOMMU_IOAS_MAP_FIXED_IOVA   (1 << 0)  /* use the given iova instead of letting the kernel pick */
#define KABI_IOMMU_IOAS_MAP_WRITEABLE    (1 << 1)  /* the device may write */
#define KABI_IOMMU_IOAS_MAP_READABLE     (1 << 2)  /* the device may read */

/* Map user memory into an IOAS (IOMMU_IOAS_MAP). */
struct kabi_iommu_ioas_map {
    uint32_t size;
    uint32_t flags;
    uint32_t ioas_id;
    uint32_t reserved;      /* must be 0 */
    uint64_t user_va;
    uint64_t length;
    uint64_t iova;          /* in with FIXED_IOVA, otherwise out */
};

/* Map a range of a memfd into an IOAS (IOMMU_IOAS_MAP_FILE); same semantics as kabi_iommu_ioas_map. */
struct kabi_iommu_ioas_map_file {
    uint32_t size;
    uint32_t flags;
    uint32_t ioas_id;
    int32_t  fd;
    uint64_t start;         /* byte offset into the file */
    uint64_t length;
    uint64_t iova;
};

/* Unmap IOVA from an IOAS (IOMMU_IOAS_UNMAP); length returns the bytes removed. */
struct kabi_iommu_ioas_unmap {
    uint32_t size;
    uint32_t ioas_id;
    uint64_t iova;
    uint64_t length;
};

/* ======================================================================================
 * open(2), mmap(2), memfd_create(2), eventfd(2): x86-64 values
 * ====================================================================================== */
#define KABI_O_RDONLY      0
#define KABI_O_WRONLY      1
#define KABI_O_RDWR        2
#define KABI_O_NONBLOCK    0x800      /* octal 04000 */
#define KABI_O_CLOEXEC     0x80000    /* octal 02000000 */

#define KABI_PROT_NONE     0
#define KABI_PROT_READ     1
#define KABI_PROT_WRITE    2
#define KABI_PROT_EXEC     4

#define KABI_MAP_SHARED     0x01
#define KABI_MAP_PRIVATE    0x02
#define KABI_MAP_FIXED      0x10
#define KABI_MAP_ANONYMOUS  0x20
#define KABI_MAP_LOCKED     0x2000
#define KABI_MAP_NORESERVE  0x4000
#define KABI_MAP_POPULATE   0x8000
#define KABI_MAP_HUGETLB    0x40000
/* With MAP_HUGETLB, bits 26..31 carry log2 of the wanted huge page size (0 = system default). */
#define KABI_MAP_HUGE_SHIFT 26
#define KABI_MAP_HUGE_MASK  0x3f
#define KABI_MAP_HUGE_2MB   (21 << KABI_MAP_HUGE_SHIFT)
#define KABI_MAP_HUGE_1GB   (30 << KABI_MAP_HUGE_SHIFT)

#define KABI_MFD_CLOEXEC        0x0001
#define KABI_MFD_ALLOW_SEALING  0x0002
#define KABI_MFD_HUGETLB        0x0004
/* Same size encoding as for mmap. */
#define KABI_MFD_HUGE_SHIFT     26
#define KABI_MFD_HUGE_MASK      0x3f
#define KABI_MFD_HUGE_2MB       (21 << KABI_MFD_HUGE_SHIFT)
#define KABI_MFD_HUGE_1GB       (30 << KABI_MFD_HUGE_SHIFT)

#define KABI_EFD_SEMAPHORE  1
#define KABI_EFD_NONBLOCK   KABI_O_NONBLOCK
#define KABI_EFD_CLOEXEC    KABI_O_CLOEXEC

/* ======================================================================================
 * C-only helpers. Function-like macros are invisible to jextract; Java computes the same
 * numbers in dev.jvirtio.ffm.Ioctl.
 * ====================================================================================== */
#define KABI_IOC(dir, type, nr, size)                                   \
    ((uint32_t)(((uint32_t)(dir) << KABI_IOC_DIRSHIFT) |                \
                ((uint32_t)(type) << KABI_IOC_TYPESHIFT) |              \
                ((uint32_t)(nr) << KABI_IOC_NRSHIFT) |                  \
                ((uint32_t)(size) << KABI_IOC_SIZESHIFT)))
#define KABI_IO(type, nr)          KABI_IOC(KABI_IOC_NONE, (type), (nr), 0)
#define KABI_VFIO_REQUEST(cmd)     KABI_IO(KABI_VFIO_TYPE, KABI_VFIO_BASE + (cmd))
#define KABI_IOMMUFD_REQUEST(cmd)  KABI_IO(KABI_IOMMUFD_TYPE, (cmd))

#endif /* JVIRTIO_KABI_H */
