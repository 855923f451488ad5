EBEAM=10 \
  PBEAM=100 \
  DETECTOR_VERSION=26.02.0 \
  DETECTOR_CONFIG=epic_craterlake \
  JUG_XL_TAG=26.02.0-stable \
  COPYRECO=true \
  COPYFULL=true \
  COPYLOG=true \
  USERUCIO=true \
  X509_USER_PROXY=secrets/x509_user_proxy \
  OUT_RSE=BNL-XRD \
  CSV_FILE='/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1 with beam gas.csv' \
  SIGNAL_FREQ=10 \
  SIGNAL_STATUS=0 \
  TAG_PREFIX=Bkg_Exact1S_2us/GoldCt/5um/try2 \
  BG_FILES='electron_brems.hepmc3.tree.root proton_beamgas.hepmc3.tree.root' \
  scripts/submit_csv.sh osg_csv hepmc3 '/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1 with beam gas.csv' 2
